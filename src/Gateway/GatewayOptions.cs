namespace GuardCluster.Gateway;

/// <summary>Gateway settings, bound from <c>Guard:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Guard:Gateway";

    /// <summary>
    /// How long a tenant snapshot (key hashes + policy) is reused before the tenant grain is asked again.
    /// Writes made through this process invalidate at once; writes made through another gateway become
    /// visible here after at most this long (the price of keeping the tenant grain off the classify path).
    /// 0 disables the cache.
    /// </summary>
    public int TenantCacheSeconds { get; set; } = 5;

    /// <summary>
    /// Stale if error: when the tenant grain cannot be reached (a silo died, the grain is re-activating) or does not
    /// answer within 2 s, serve the last snapshot this process loaded if it is at most this old. 0 turns it off
    /// (such requests then fail with 503 <c>cluster_unavailable</c>).
    /// </summary>
    public int TenantStaleIfErrorSeconds { get; set; } = 300;

    /// <summary>Largest accepted request body (Kestrel <c>MaxRequestBodySize</c> and a per-request cap).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most items in one <c>/v1/classify/batch</c> request or inputs in one <c>/v1/moderations</c> request.</summary>
    public int MaxBatchItems { get; set; } = 32;

    /// <summary>Single-shot classify calls pick worker keys in <c>0..WorkerKeyRange-1</c> to spread over silos.</summary>
    public int WorkerKeyRange { get; set; } = 1024;

    /// <summary>The <c>Retry-After</c> seconds sent with 429 <c>overloaded</c> and 503 answers.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// How many API hosts share each tenant's traffic: each host enforces <c>ceil(quota / QuotaHosts)</c> of the
    /// rate and concurrency quotas. 0 = automatic: on a silo, the number of active silos (every silo serves the
    /// API); on a standalone gateway, 1.
    /// </summary>
    public int QuotaHosts { get; set; }

    /// <summary>Failed authentications one client address may make per minute (a burst of this many, then refilled evenly) before 429.</summary>
    public int AuthFailuresPerMinute { get; set; } = 30;

    /// <summary>Most client addresses tracked for failed authentications (bounded memory; the table starts over when full).</summary>
    public int AuthFailureAddresses { get; set; } = 10_000;

    /// <summary>How long a host remembers that a tenant id does not exist (bounded negative cache). 0 disables it.</summary>
    public int UnknownTenantCacheSeconds { get; set; } = 5;

    /// <summary>Most unknown tenant ids remembered; the negative cache starts over when full.</summary>
    public int UnknownTenantCacheEntries { get; set; } = 10_000;
}
