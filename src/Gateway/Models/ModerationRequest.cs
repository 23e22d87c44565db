namespace GuardCluster.Gateway.Models;

/// <summary>OpenAI moderation body (documentation shape): <c>input</c> is a string, an array of strings or an array of content parts.</summary>
public sealed record ModerationRequest(object Input, string? Model);
