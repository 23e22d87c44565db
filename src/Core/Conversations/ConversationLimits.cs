namespace GuardCluster.Core.Conversations;

/// <summary>Explicit, configurable bounds on what one classification may contain.</summary>
public sealed record ConversationLimits
{
    public static ConversationLimits Default { get; } = new();

    public int MaxMessages { get; init; } = 200;

    public int MaxMessageChars { get; init; } = 32_000;

    public int MaxTotalChars { get; init; } = 128_000;
}
