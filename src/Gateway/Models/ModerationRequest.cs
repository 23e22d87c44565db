namespace GuardCluster.Gateway.Models;

/// <summary>OpenAI moderation body (documentation shape).</summary>
/// <param name="Input">A string, an array of strings (one result each), or an array of content parts judged together.</param>
/// <param name="Model">Accepted for compatibility; the answer's <c>model</c> names the model that judged.</param>
[ClosedSchema]
public sealed record ModerationRequest(ModerationInputValue Input, string? Model = null);
