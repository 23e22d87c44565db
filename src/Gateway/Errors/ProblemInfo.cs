namespace GuardCluster.Gateway.Errors;

/// <summary>What an error becomes on the wire: RFC 7807 fields plus the <c>code</c>/<c>path</c> extensions.</summary>
public sealed record ProblemInfo(int Status, string Code, string Detail, string? Path = null, int? RetryAfterSeconds = null)
{
    public string Title => Status switch
    {
        400 => "Malformed request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Payload too large",
        422 => "Invalid request",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Internal server error",
    };
}
