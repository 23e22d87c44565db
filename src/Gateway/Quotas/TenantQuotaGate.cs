using System.Collections.Concurrent;
using GuardCluster.Contracts;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Core;

namespace GuardCluster.Gateway.Quotas;

/// <summary>
/// Enforces a tenant's rate and concurrency quotas on this API host, in memory, with no grain call: each host
/// applies its share, <c>ceil(quota / hosts)</c> (<see cref="IApiHostCount"/>). <c>requests_per_minute</c>
/// counts checks (a batch or moderation array counts one per item); <c>tokens_per_minute</c> counts prompt
/// tokens, charged after the verdict from <c>usage.prompt_tokens</c> (a request is admitted while the bucket is
/// above zero, then settles, possibly into debt that later requests wait out); <c>max_concurrent_requests</c>
/// counts HTTP requests in flight. A refused request consumes nothing.
/// </summary>
public sealed class TenantQuotaGate(IApiHostCount hosts, [FromKeyedServices(QuotaClock.Key)] TimeProvider time)
{
    // Tenants are authenticated before they get here, so entries are bounded by real tenants; idle ones whose
    // buckets are full carry no information and are swept when there are many.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, TenantUsage> _usage = new(StringComparer.Ordinal);

    /// <summary>Admits <paramref name="checks"/> model checks for the tenant, or throws 429 <c>rate_limited</c>.</summary>
    public QuotaLease Enter(TenantCaller tenant, int checks)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var limits = tenant.Snapshot.Limits;
        var share = hosts.Count;
        var requests = Share(limits.RequestsPerMinute, share);
        var tokens = Share(limits.TokensPerMinute, share);
        var concurrent = Share(limits.MaxConcurrentRequests, share);
        var usage = Usage(tenant.Id);
        var now = time.GetTimestamp();
        var frequency = time.TimestampFrequency;
        lock (usage)
        {
            if (concurrent > 0 && usage.InFlight >= concurrent)
            {
                throw Limited($"At most {concurrent} requests of this tenant may run at once on this host (max_concurrent_requests).", TimeSpan.FromSeconds(1));
            }

            if (tokens > 0 && !usage.Tokens.HasCredit(tokens, now, frequency, out var tokenWait))
            {
                throw Limited($"This tenant used its prompt tokens for now (tokens_per_minute, {tokens} on this host).", tokenWait);
            }

            if (requests > 0 && !usage.Requests.TryTake(checks, requests, now, frequency, out var requestWait))
            {
                throw Limited($"This tenant sent too many checks (requests_per_minute, {requests} on this host).", requestWait);
            }

            usage.InFlight++;
            usage.LastUsed = now;
        }

        return new QuotaLease(this, usage, tokens);
    }

    internal void Settle(TenantUsage usage, int promptTokens, int tokensPerMinute)
    {
        lock (usage)
        {
            if (tokensPerMinute > 0 && promptTokens > 0)
            {
                usage.Tokens.Charge(promptTokens, tokensPerMinute, time.GetTimestamp(), time.TimestampFrequency);
            }
        }
    }

    internal void Exit(TenantUsage usage)
    {
        lock (usage)
        {
            usage.InFlight--;
        }
    }

    /// <summary>Items per batch or moderation array: the tenant's <c>max_batch_items</c>, within this host's hard cap.</summary>
    public static int MaxBatchItems(TenantCaller tenant, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(options);
        var own = tenant.Limits.MaxBatchItems;
        return own > 0 ? Math.Min(own, options.MaxBatchItems) : options.MaxBatchItems;
    }

    /// <summary>Per-host share of a quota; 0 (none resolved) means no limit.</summary>
    public static int Share(int quota, int hosts) => quota <= 0 ? 0 : (int)Math.Ceiling(quota / (double)Math.Max(1, hosts));

    /// <summary>Whole seconds, at least one: a client that waits that long finds room again.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, 3600);

    private static RateLimitedException Limited(string message, TimeSpan wait) => new(GuardErrorCodes.RateLimited, message, RetryAfterSeconds(wait));

    private TenantUsage Usage(string tenantId)
    {
        if (_usage.TryGetValue(tenantId, out var existing))
        {
            return existing;
        }

        if (_usage.Count > SweepAbove)
        {
            Sweep();
        }

        return _usage.GetOrAdd(tenantId, _ => new TenantUsage());
    }

    private void Sweep()
    {
        var now = time.GetTimestamp();
        var idle = 120 * time.TimestampFrequency;
        foreach (var (id, usage) in _usage)
        {
            bool remove;
            lock (usage)
            {
                // Two idle minutes refill any bucket; nothing in flight means nothing to release later.
                remove = usage.InFlight == 0 && now - usage.LastUsed > idle;
            }

            if (remove)
            {
                _usage.TryRemove(KeyValuePair.Create(id, usage));
            }
        }
    }
}

/// <summary>One tenant's usage on this host; locked by <see cref="TenantQuotaGate"/>.</summary>
internal sealed class TenantUsage
{
    public RateBucket Requests { get; } = new();

    public RateBucket Tokens { get; } = new();

    public int InFlight { get; set; }

    public long LastUsed { get; set; }
}

/// <summary>An admitted request: settle its prompt tokens after the verdict; dispose to free its concurrency slot.</summary>
public sealed class QuotaLease : IDisposable
{
    private readonly TenantQuotaGate _gate;
    private readonly TenantUsage _usage;
    private readonly int _tokensPerMinute;
    private int _disposed;

    internal QuotaLease(TenantQuotaGate gate, TenantUsage usage, int tokensPerMinute)
    {
        _gate = gate;
        _usage = usage;
        _tokensPerMinute = tokensPerMinute;
    }

    public void ChargePromptTokens(int promptTokens) => _gate.Settle(_usage, promptTokens, _tokensPerMinute);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _gate.Exit(_usage);
        }
    }
}
