namespace GuardCluster.Gateway.Moderation;

/// <summary>
/// One input of a moderation request: the text judged as one user message, the JSON path its errors point at,
/// and its position in an array of strings (null for a lone string or an array of content parts, which is one input).
/// </summary>
public sealed record ModerationItem(string Text, string Path, int? Index);
