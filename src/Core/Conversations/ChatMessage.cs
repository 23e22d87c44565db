namespace GuardCluster.Core.Conversations;

/// <summary>
/// One conversation message. A plain-string content is a single text part; a list of
/// <c>{"type":"text"}</c> parts keeps one entry per part (the template writes one line per part).
/// </summary>
public sealed record ChatMessage(ChatRole Role, IReadOnlyList<string> TextParts)
{
    public static ChatMessage User(string text) => new(ChatRole.User, [text]);

    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, [text]);
}
