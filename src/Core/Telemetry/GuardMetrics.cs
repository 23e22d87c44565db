using System.Diagnostics;
using System.Diagnostics.Metrics;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Core.Telemetry;

/// <summary>
/// GuardCluster's own meter (<see cref="MeterName"/>) and every instrument in it: the one home of all
/// <c>guard_*</c> series. The gateway reports requests and rate limiting, the engine reports checks (verdicts, tokens,
/// timings) and decode steps, and the engine's live state (queue depth, KV cache counters) is read when a scrape asks
/// for it. Plain <see cref="System.Diagnostics.Metrics"/>, so the engine needs no OpenTelemetry; the host's exporter
/// listens to the meter by name. One instance per host (a singleton); <c>tenant</c> labels are capped by
/// <see cref="TenantLabels"/>.
/// </summary>
public sealed class GuardMetrics : IDisposable
{
    public const string MeterName = "GuardCluster";

    /// <summary>Default for <c>Guard:Metrics:TenantLabelLimit</c>.</summary>
    public const int DefaultTenantLabelLimit = 20;

    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly int[] SequenceBuckets = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _cachedTokens;
    private readonly Counter<long> _completionTokens;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _prefill;
    private readonly Histogram<double> _decode;
    private readonly Histogram<int> _sequencesPerDecode;
    private readonly Counter<long> _auditWritten;
    private readonly Counter<long> _auditDropped;
    private readonly Counter<long> _auditWriteErrors;
    private readonly Counter<long> _auditExpired;
    private Func<long>? _auditQueueDepth;
    private readonly Lock _enginesGate = new();
    private readonly List<Func<EngineGauges>> _engines = [];

    /// <param name="meterFactory">The host's factory (the meter then belongs to that host); null for a standalone meter.</param>
    /// <param name="tenantLabelLimit">How many tenants get a <c>tenant</c> label of their own (<see cref="TenantLabels"/>).</param>
    public GuardMetrics(IMeterFactory? meterFactory = null, int tenantLabelLimit = DefaultTenantLabelLimit)
    {
        Tenants = new TenantLabels(tenantLabelLimit);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);

        _requests = _meter.CreateCounter<long>("guard.requests", "{request}", "HTTP requests answered, by endpoint (method and route), status and tenant.");
        _requestDuration = _meter.CreateHistogram("guard.request.duration", "s", "Time from the request's arrival to its answer, by endpoint.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _rateLimited = _meter.CreateCounter<long>("guard.rate_limited", "{request}", "Requests answered 429, by reason (the problem code) and tenant.");
        _verdicts = _meter.CreateCounter<long>("guard.verdicts", "{verdict}", "Checks run by the engine, by verdict, category (one count per category of an unsafe verdict; none otherwise) and tenant.");
        _promptTokens = _meter.CreateCounter<long>("guard.prompt_tokens", "{token}", "Prompt tokens of the checks run, by tenant.");
        _cachedTokens = _meter.CreateCounter<long>("guard.cached_tokens", "{token}", "Prompt tokens whose KV came from the cache instead of being prefilled, by tenant.");
        _completionTokens = _meter.CreateCounter<long>("guard.completion_tokens", "{token}", "Answer tokens of the checks run, by tenant.");
        _queueWait = _meter.CreateHistogram("guard.engine.queue_wait", "s", "Time a check waited in the engine's queue before it got a sequence.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _prefill = _meter.CreateHistogram("guard.engine.prefill", "s", "Time from a check's admission to the end of its prompt's prefill.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _decode = _meter.CreateHistogram("guard.engine.decode", "s", "Time a check spent decoding its answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _sequencesPerDecode = _meter.CreateHistogram("guard.engine.sequences_per_decode", "{sequence}", "Sequences batched into one llama.cpp decode call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = SequenceBuckets });

        _auditWritten = _meter.CreateCounter<long>("guard.audit.written", "{entry}", "Audit-log entries written to the audit store.");
        _auditDropped = _meter.CreateCounter<long>("guard.audit.dropped", "{entry}", "Audit-log entries dropped because the in-memory audit queue was full.");
        _auditWriteErrors = _meter.CreateCounter<long>("guard.audit.write_errors", "{entry}", "Audit-log entries lost because the audit store failed to write them.");
        _auditExpired = _meter.CreateCounter<long>("guard.audit.expired", "{entry}", "Audit-log entries deleted by the retention job.");
        _meter.CreateObservableGauge("guard.audit.queue_depth", () => _auditQueueDepth?.Invoke() ?? 0L, "{entry}", "Audit-log entries waiting in memory to be written.");
        _meter.CreateObservableGauge("guard.engine.queue_depth", () => (long)Sum(e => e.QueueDepth), "{request}", "Checks waiting for an engine sequence now.");
        _meter.CreateObservableCounter("guard.kv_cache.hits", () => CacheMeasurements(hits: true), "{lookup}",
            "KV cache lookups that reused cached KV, by kind (policy: a one-off check started from a cached policy header; conversation: a turn reused its branch).");
        _meter.CreateObservableCounter("guard.kv_cache.misses", () => CacheMeasurements(hits: false), "{lookup}",
            "KV cache lookups that found nothing to reuse, by kind (policy, conversation).");
        _meter.CreateObservableGauge("guard.kv_cache.spilled", () => SpilledMeasurements(), "By",
            "Bytes of conversation KV state moved out of the context now, by tier (memory, disk).");
    }

    /// <summary>The meter every <c>guard_*</c> instrument belongs to.</summary>
    public Meter Meter => _meter;

    /// <summary>The <c>tenant</c> label cap (top N tenants by volume; the rest are <see cref="TenantLabels.Other"/>).</summary>
    public TenantLabels Tenants { get; }

    /// <summary>One HTTP request answered.</summary>
    public void RequestCompleted(string endpoint, int status, string? tenant, TimeSpan duration)
    {
        var label = Tenants.Count(tenant);
        _requests.Add(1, new("endpoint", endpoint), new("status", status), new("tenant", label));
        _requestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));
    }

    /// <summary>One request refused with 429: a tenant rate or quota, too many failed authentications, or an overloaded engine.</summary>
    public void RateLimited(string reason, string? tenant) =>
        _rateLimited.Add(1, new("reason", reason), new("tenant", Tenants.Peek(tenant)));

    /// <summary>One check finished by the engine: its verdict, token usage and where its time went.</summary>
    public void CheckCompleted(string? tenant, GuardVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);

        // A conversation's checks carry its scope, "tenant~incarnation"; tenant ids never contain '~'.
        var separator = tenant?.IndexOf('~', StringComparison.Ordinal) ?? -1;
        var label = Tenants.Count(separator < 0 ? tenant : tenant![..separator]);
        var outcome = verdict.Outcome switch
        {
            VerdictOutcome.Safe => "safe",
            VerdictOutcome.Unsafe => "unsafe",
            _ => "indeterminate",
        };
        if (verdict.Categories.Count == 0)
        {
            _verdicts.Add(1, new("verdict", outcome), new("category", "none"), new("tenant", label));
        }
        else
        {
            foreach (var category in verdict.Categories)
            {
                _verdicts.Add(1, new("verdict", outcome), new("category", category.Code), new("tenant", label));
            }
        }

        var tenantTag = new KeyValuePair<string, object?>("tenant", label);
        _promptTokens.Add(verdict.Usage.PromptTokens, tenantTag);
        _cachedTokens.Add(verdict.Usage.CachedTokens, tenantTag);
        _completionTokens.Add(verdict.Usage.CompletionTokens, tenantTag);
        _queueWait.Record(verdict.Timings.QueueMs / 1000);
        _prefill.Record(verdict.Timings.PrefillMs / 1000);
        _decode.Record(verdict.Timings.DecodeMs / 1000);
    }

    /// <summary>Audit-log entries written to the store.</summary>
    public void AuditWritten(int entries) => _auditWritten.Add(entries);

    /// <summary>An audit-log entry dropped because the queue was full.</summary>
    public void AuditDropped() => _auditDropped.Add(1);

    /// <summary>Audit-log entries lost to a failed store write.</summary>
    public void AuditWriteFailed(int entries) => _auditWriteErrors.Add(entries);

    /// <summary>Audit-log entries deleted by the retention job.</summary>
    public void AuditExpired(long entries) => _auditExpired.Add(entries);

    /// <summary>Sets how the audit queue's depth is read at each scrape (one audit writer per host).</summary>
    public void ObserveAuditQueue(Func<long> depth) => _auditQueueDepth = depth;

    /// <summary>One llama.cpp decode call carrying <paramref name="sequences"/> sequences.</summary>
    public void DecodeCompleted(int sequences) => _sequencesPerDecode.Record(sequences);

    /// <summary>
    /// Adds an engine whose live state is read at each scrape (summed when a process runs several). Dispose the result
    /// when the engine goes away.
    /// </summary>
    public IDisposable ObserveEngine(Func<EngineGauges> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_enginesGate)
        {
            _engines.Add(read);
        }

        return new Registration(this, read);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private EngineGauges[] Engines()
    {
        lock (_enginesGate)
        {
            return [.. _engines.Select(read => read())];
        }
    }

    private double Sum(Func<EngineGauges, double> value) => Engines().Sum(value);

    private IEnumerable<Measurement<long>> CacheMeasurements(bool hits)
    {
        var engines = Engines();
        return
        [
            new(engines.Sum(e => hits ? e.PolicyHits : e.PolicyMisses), new KeyValuePair<string, object?>("kind", "policy")),
            new(engines.Sum(e => hits ? e.ConversationHits : e.ConversationMisses), new KeyValuePair<string, object?>("kind", "conversation")),
        ];
    }

    private IEnumerable<Measurement<long>> SpilledMeasurements()
    {
        var engines = Engines();
        return
        [
            new(engines.Sum(e => e.MemorySpilledBytes), new KeyValuePair<string, object?>("tier", "memory")),
            new(engines.Sum(e => e.DiskSpilledBytes), new KeyValuePair<string, object?>("tier", "disk")),
        ];
    }

    private sealed class Registration(GuardMetrics owner, Func<EngineGauges> read) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._enginesGate)
            {
                owner._engines.Remove(read);
            }
        }
    }
}

/// <summary>An engine's live state, read when metrics are collected.</summary>
public readonly record struct EngineGauges(
    int QueueDepth,
    long PolicyHits,
    long PolicyMisses,
    long ConversationHits,
    long ConversationMisses,
    long MemorySpilledBytes,
    long DiskSpilledBytes);

/// <summary>The <see cref="ActivitySource"/> of GuardCluster's own spans (gateway request, engine check).</summary>
public static class GuardTracing
{
    public const string SourceName = "GuardCluster";

    public static ActivitySource Source { get; } = new(SourceName);
}
