namespace GuardCluster.Gateway.Models;

/// <summary>OpenAI's error object: <c>code</c> is GuardCluster's stable code, <c>param</c> the offending field's path.</summary>
/// <param name="Message">What went wrong, for people.</param>
/// <param name="Type">OpenAI's error class, e.g. <c>invalid_request_error</c>.</param>
/// <param name="Param">The JSON path of the offending field (e.g. <c>input[1]</c>), or null.</param>
/// <param name="Code">The stable error code (e.g. <c>unknown_field</c>), or null.</param>
public sealed record OpenAiErrorDetail(string Message, string Type, string? Param, string? Code);
