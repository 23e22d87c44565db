using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.Moderation;

namespace GuardCluster.Gateway.Telemetry;

/// <summary>
/// What one request's log line and metrics need beyond status and route, filled in as the request runs: the verdict
/// and engine timings (by <see cref="VerdictCaptureFilter"/> from the endpoint's result) and the problem code of an
/// error answer. Never message text or keys.
/// </summary>
internal sealed class RequestTelemetry
{
    public string? Verdict { get; private set; }

    public double QueueMs { get; private set; }

    public double PrefillMs { get; private set; }

    public double DecodeMs { get; private set; }

    /// <summary>The <c>code</c> of a problem-details answer (e.g. <c>rate_limited</c>, <c>overloaded</c>).</summary>
    public string? ProblemCode { get; set; }

    /// <summary>Reads the verdict(s) out of an endpoint's answer: one verdict, a batch (counts per verdict), or a moderation.</summary>
    public void Capture(object? value)
    {
        switch (value)
        {
            case VerdictBody body:
                Verdict = body.Verdict;
                Timings([body]);
                break;
            case BatchResponse batch:
                Verdict = Counts(batch.Results.Select(r => r.Verdict));
                Timings(batch.Results);
                break;
            case ModerationResponse moderation:
                Verdict = Counts(moderation.Results.Select(r => r.Flagged ? "flagged" : "unflagged"));
                break;
            default:
                break;
        }
    }

    private void Timings(IEnumerable<VerdictBody> bodies)
    {
        // A batch runs its items side by side: the slowest item's phases are the request's.
        foreach (var body in bodies)
        {
            QueueMs = Math.Max(QueueMs, body.TimingsMs.Queue);
            PrefillMs = Math.Max(PrefillMs, body.TimingsMs.Prefill);
            DecodeMs = Math.Max(DecodeMs, body.TimingsMs.Decode);
        }
    }

    private static string Counts(IEnumerable<string> verdicts) =>
        string.Join(',', verdicts.GroupBy(v => v, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
}

/// <summary>Hands each endpoint's answer to the request's <see cref="RequestTelemetry"/> (verdicts and timings for the log line).</summary>
internal sealed class VerdictCaptureFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        context.HttpContext.Features.Get<RequestTelemetry>()?.Capture(result is IValueHttpResult value ? value.Value : result);
        return result;
    }
}
