using System.Diagnostics;
using GuardCluster.Core.Telemetry;
using GuardCluster.Gateway.Auth;

namespace GuardCluster.Gateway.Telemetry;

/// <summary>
/// The gateway's one hook for request telemetry, first in the pipeline: counts every request in
/// <c>guard_requests_total</c> and <c>guard_request_duration_seconds</c> (and 429s in <c>guard_rate_limited_total</c>),
/// tags the request's span with tenant and verdict, and writes one Information line per request to the
/// <c>GuardCluster.Requests</c> category: endpoint (method and route pattern, never the concrete path), status, tenant,
/// verdict and timings, never message text or keys. Recorded as the answer starts, so a client that has its answer
/// finds it already counted; a request that never answers (client gone) is recorded at the end with status 499.
/// </summary>
internal sealed partial class RequestTelemetryMiddleware(RequestDelegate next, GuardMetrics metrics, ILoggerFactory loggers)
{
    public const string LogCategory = "GuardCluster.Requests";

    private const int ClientClosedRequest = 499;

    private readonly ILogger _log = loggers.CreateLogger(LogCategory);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();

        // Read now: the exception handler clears the endpoint before it writes an error answer.
        var endpoint = EndpointLabel(context);
        var telemetry = new RequestTelemetry();
        context.Features.Set(telemetry);
        var recorded = 0;
        context.Response.OnStarting(() =>
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                Record(context, endpoint, telemetry, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }

            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        finally
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                var status = context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : context.Response.StatusCode;
                Record(context, endpoint, telemetry, status, Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private void Record(HttpContext context, string endpoint, RequestTelemetry telemetry, int status, TimeSpan elapsed)
    {
        var tenant = context.Features.Get<TenantCaller>()?.Id;
        metrics.RequestCompleted(endpoint, status, tenant, elapsed);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            metrics.RateLimited(telemetry.ProblemCode ?? "rate_limited", tenant);
        }

        if (Activity.Current is { } activity)
        {
            activity.SetTag("guard.tenant", tenant);
            activity.SetTag("guard.verdict", telemetry.Verdict);
        }

        LogRequest(_log, endpoint, status, tenant ?? "-", telemetry.Verdict ?? "-", elapsed.TotalMilliseconds, telemetry.QueueMs, telemetry.PrefillMs, telemetry.DecodeMs);
    }

    /// <summary>Method and route pattern (<c>POST /v1/conversations/{id}/messages</c>): bounded, and free of ids.</summary>
    internal static string EndpointLabel(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern }
            ? $"{context.Request.Method} /{pattern.Trim('/')}"
            : "unmatched";

    [LoggerMessage(Level = LogLevel.Information, EventId = 900, EventName = "GuardRequest",
        Message = "{Endpoint} {Status} tenant={Tenant} verdict={Verdict} in {ElapsedMs:F1} ms (queue {QueueMs:F1} ms, prefill {PrefillMs:F1} ms, decode {DecodeMs:F1} ms)")]
    private static partial void LogRequest(ILogger logger, string endpoint, int status, string tenant, string verdict, double elapsedMs, double queueMs, double prefillMs, double decodeMs);
}
