namespace GuardCluster.Gateway.Models;

/// <summary>An error answer on the OpenAI-compatible routes (documentation shape), as OpenAI's API writes it.</summary>
public sealed record OpenAiErrorResponse(OpenAiErrorDetail Error);
