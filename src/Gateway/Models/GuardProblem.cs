namespace GuardCluster.Gateway.Models;

/// <summary>
/// An error answer (RFC 7807 <c>application/problem+json</c>, documentation shape of what ProblemWriter writes).
/// <c>code</c> is the stable machine-readable reason (e.g. <c>unknown_field</c>, <c>tenant_not_found</c>); switch on
/// it, not on <c>title</c> or <c>detail</c>.
/// </summary>
/// <param name="Title">A short summary of the status.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Code">The stable error code.</param>
public sealed record GuardProblem(string Title, int Status, string Code)
{
    /// <summary>A URI reference for the problem type, when the status has one.</summary>
    public string? Type { get; init; }

    /// <summary>What went wrong, for people.</summary>
    public string? Detail { get; init; }

    /// <summary>The JSON path of the offending field or parameter (e.g. <c>messages[1].role</c>), or null.</summary>
    public string? Path { get; init; }

    /// <summary>The request's trace id, to find it in the logs.</summary>
    public string? TraceId { get; init; }
}
