using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Contracts;

/// <summary>A tenant's classification policy and limits, with a version that increases on every change.</summary>
[GenerateSerializer]
[Alias("gc.TenantPolicy")]
public sealed record TenantPolicy(
    [property: Id(0)] SafetyPolicy Policy,
    [property: Id(1)] TenantLimits Limits,
    [property: Id(2)] int Version)
{
    public static TenantPolicy Initial { get; } = new(SafetyPolicy.Default, TenantLimits.Default, 1);
}

[GenerateSerializer]
[Alias("gc.TenantLimits")]
public sealed record TenantLimits(
    [property: Id(0)] int MaxMessageChars,
    [property: Id(1)] int MaxTurns,
    [property: Id(2)] int MaxTotalChars)
{
    public static TenantLimits Default { get; } = new(
        ConversationLimits.Default.MaxMessageChars,
        ConversationLimits.Default.MaxMessages,
        ConversationLimits.Default.MaxTotalChars);

    public ConversationLimits ToConversationLimits() =>
        new() { MaxMessageChars = MaxMessageChars, MaxMessages = MaxTurns, MaxTotalChars = MaxTotalChars };
}
