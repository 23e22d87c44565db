using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
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

/// <summary>
/// Hands each endpoint's answer to the request's <see cref="RequestTelemetry"/> (verdicts and timings for the log line),
/// and the verdicts the endpoint noted in its <see cref="AuditCapture"/> to the audit log: the one place audit records
/// are made, after the endpoint succeeded, at the cost of an in-memory append each.
/// </summary>
internal sealed class VerdictCaptureFilter(AuditWriter audit, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var capture = audit.Enabled && http.Features.Get<TenantCaller>() is not null ? new AuditCapture() : null;
        http.Features.Set(capture);
        var result = await next(context);
        http.Features.Get<RequestTelemetry>()?.Capture(result is IValueHttpResult value ? value.Value : result);
        if (capture is { Checks.Count: > 0, Endpoint: { } endpoint } && http.Features.Get<TenantCaller>() is { } tenant)
        {
            var now = clock.GetUtcNow();
            var settings = tenant.Policy.Audit;
            var storeContent = settings?.StoreContent ?? false;
            var retention = audit.Options.RetentionDaysFor(settings);
            foreach (var check in capture.Checks)
            {
                audit.TryAppend(new AuditRecord(
                    tenant.Id, tenant.Snapshot.Incarnation, now, endpoint, check.ConversationId, check.MessageId, check.Item,
                    check.Verdict, check.PolicyVersion, check.Content, storeContent, retention));
            }
        }

        return result;
    }
}
