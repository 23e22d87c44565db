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

    /// <summary>Largest accepted request body (Kestrel <c>MaxRequestBodySize</c> and a per-request cap).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most items in one <c>/v1/classify/batch</c> request or inputs in one <c>/v1/moderations</c> request.</summary>
    public int MaxBatchItems { get; set; } = 32;

    /// <summary>Single-shot classify calls pick worker keys in <c>0..WorkerKeyRange-1</c> to spread over silos.</summary>
    public int WorkerKeyRange { get; set; } = 1024;

    /// <summary>The <c>Retry-After</c> seconds sent with 429 and 503 answers.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
