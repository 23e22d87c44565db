namespace GuardCluster.Gateway.Errors;

/// <summary>
/// OpenAI's error object. <see cref="Code"/> is GuardCluster's stable code (e.g. <c>unknown_field</c>),
/// <see cref="Param"/> the JSON path of the offending field (e.g. <c>input[1]</c>) or null.
/// </summary>
public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);
