using GuardCluster.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace GuardCluster.Gateway.Errors;

/// <summary>
/// Problem details → OpenAI's error object. The HTTP status is what OpenAI SDKs key on (400 BadRequestError,
/// 401 AuthenticationError, 403 PermissionDeniedError, 404 NotFoundError, 409 ConflictError, 422
/// UnprocessableEntityError, 429 RateLimitError, 5xx InternalServerError), so it is never changed; <c>type</c>
/// follows what OpenAI itself sends: <c>invalid_request_error</c> for client errors (a bad key included),
/// <c>requests</c> for rate limits, <c>insufficient_quota</c> for exhausted quotas, <c>server_error</c> for 5xx.
/// </summary>
public static class OpenAiErrorMapping
{
    public const string InvalidRequest = "invalid_request_error";
    public const string RateLimit = "requests";
    public const string InsufficientQuota = "insufficient_quota";
    public const string ServerError = "server_error";

    public static string TypeFor(int status, string? code) => status switch
    {
        >= 500 => ServerError,
        429 when code == GuardErrorCodes.QuotaExceeded => InsufficientQuota,
        429 => RateLimit,
        _ => InvalidRequest,
    };

    /// <summary>The OpenAI body for <paramref name="problem"/>; <paramref name="request"/> names a framework answer that has no detail.</summary>
    public static OpenAiErrorBody FromProblem(ProblemDetails problem, int status, string request)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var code = problem.Extensions.TryGetValue("code", out var c) ? c as string : null;
        var param = problem.Extensions.TryGetValue("path", out var p) ? p as string : null;
        var message = problem.Detail ?? $"{problem.Title ?? ReasonPhrases.GetReasonPhrase(status)} ({request}).";
        return new OpenAiErrorBody(new OpenAiError(message, TypeFor(status, code), param, code));
    }
}
