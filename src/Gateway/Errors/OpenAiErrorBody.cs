namespace GuardCluster.Gateway.Errors;

/// <summary>The body of an error on an OpenAI-compatible route: <c>{"error":{…}}</c>.</summary>
public sealed record OpenAiErrorBody(OpenAiError Error);
