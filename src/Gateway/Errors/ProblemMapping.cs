using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace GuardCluster.Gateway.Errors;

/// <summary>
/// The one place that turns exceptions into HTTP answers. Status policy:
/// 400 when the body is not the expected JSON shape (malformed JSON, wrong types, missing, unknown or duplicated fields);
/// 422 when it is well-formed but breaks the contract (roles, alternation, blank content, unknown category codes,
/// images, bad ids); 413 for any size or count limit; 404/409 for missing or conflicting resources; 429 with
/// <c>Retry-After</c> when the engine sheds load; 503 when the cluster cannot be reached. Grain-side rejections
/// (<see cref="GuardRejectedException"/>) map exactly like the local <see cref="GuardValidationException"/> they wrap.
/// </summary>
public static class ProblemMapping
{
    private static readonly HashSet<string> ShapeCodes = new(StringComparer.Ordinal)
    {
        GuardErrorCodes.MalformedJson,
        GuardErrorCodes.InvalidType,
        GuardErrorCodes.MissingField,
        GuardErrorCodes.DuplicateProperty,
        GuardErrorCodes.UnknownField,
    };

    public const int QuotaExceededRetryAfterSeconds = 60;

    /// <summary>Status for a validation code that is not a limit: shape errors 400, contract violations 422.</summary>
    public static int StatusForCode(string code) => ShapeCodes.Contains(code) ? 400 : 422;

    /// <summary>The answer for <paramref name="error"/>, or null when it is a server fault (500, details hidden).</summary>
    public static ProblemInfo? Map(Exception error, int retryAfterSeconds = 1)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            GatewayProblemException e => new ProblemInfo(e.Status, e.Code, e.Message, e.Path),
            RateLimitedException e => new ProblemInfo(429, e.Code, e.Message, null, e.RetryAfterSeconds),
            GuardValidationException e => new ProblemInfo(e.IsLimit ? 413 : StatusForCode(e.Code), e.Code, e.Message, e.Path),
            GuardRejectedException e => FromRejection(e, retryAfterSeconds),
            BadHttpRequestException { StatusCode: 413 } => new ProblemInfo(
                413, GuardErrorCodes.BodyTooLarge, "The request body exceeds the configured maximum size."),
            BadHttpRequestException e => new ProblemInfo(400, GuardErrorCodes.BadRequest, e.Message),
            JsonException e => new ProblemInfo(400, GuardErrorCodes.MalformedJson, e.Message),

            // The cluster is briefly unreachable (silo restarting, membership changing): a retry will likely work.
            SiloUnavailableException or ConnectionFailedException or OrleansMessageRejectionException or TimeoutException =>
                new ProblemInfo(503, GuardErrorCodes.ClusterUnavailable, "The moderation cluster is temporarily unavailable; retry shortly.", null, retryAfterSeconds),
            _ => null,
        };
    }

    private static ProblemInfo FromRejection(GuardRejectedException e, int retryAfterSeconds) => e.Kind switch
    {
        RejectionKind.LimitExceeded => new ProblemInfo(413, e.Code, e.Message, e.Path),
        RejectionKind.NotFound => new ProblemInfo(404, e.Code, e.Message, e.Path),
        RejectionKind.Conflict => new ProblemInfo(409, e.Code, e.Message, e.Path),
        RejectionKind.Overloaded => new ProblemInfo(429, e.Code, e.Message, e.Path, retryAfterSeconds),
        RejectionKind.Forbidden => new ProblemInfo(403, e.Code, e.Message, e.Path),
        RejectionKind.PreconditionFailed => new ProblemInfo(412, e.Code, e.Message, e.Path),

        // A count quota frees up only when the tenant deletes something: no point retrying every second.
        RejectionKind.QuotaExceeded => new ProblemInfo(429, e.Code, e.Message, e.Path, QuotaExceededRetryAfterSeconds),
        RejectionKind.Unavailable => new ProblemInfo(503, e.Code, e.Message, e.Path, retryAfterSeconds),
        _ => new ProblemInfo(StatusForCode(e.Code), e.Code, e.Message, e.Path),
    };
}
