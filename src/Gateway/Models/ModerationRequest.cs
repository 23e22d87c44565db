namespace GuardCluster.Gateway.Models;

/// <summary>OpenAI moderation body (documentation shape): <c>input</c> is a string or an array of strings.</summary>
public sealed record ModerationRequest(object Input, string? Model);
