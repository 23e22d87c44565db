using System.Collections.Concurrent;
using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Gateway.Routing;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace GuardCluster.Gateway.Tenants;

/// <summary>
/// Per-process cache of tenant snapshots, so authentication and policy lookup on the classify path do not
/// funnel every request through the one activation of a tenant's grain.
/// <para>
/// Consistency: writes made through this process (policy PUT, key rotation, delete, create) call
/// <see cref="Invalidate"/>, so the very next request through the same host sees them. With several gateways,
/// another gateway keeps its copy for up to <see cref="GatewayOptions.TenantCacheSeconds"/>: a new policy
/// applies there, a rotated key keeps working there, and a deleted tenant keeps authenticating there for at
/// most that long. Lower the TTL (0 disables caching) if that window matters more than tenant-grain load.
/// </para>
/// Concurrent misses share one load. Unknown tenant ids are remembered in a separate, bounded negative cache for
/// <see cref="GatewayOptions.UnknownTenantCacheSeconds"/>, so a client repeating a made-up or deleted tenant's key
/// costs no grain call; a tenant created through this host is visible at once (create invalidates), one created
/// through another host within that time. The negative cache is kept apart so a flood of made-up ids can never
/// push real tenants out of the positive one.
/// <para>
/// Stale if error: while a tenant grain cannot answer (its silo died and it has not re-activated yet, the cluster is
/// changing), a lookup that fails with a transient cluster error, or does not answer within
/// <see cref="StaleWait"/>, is served the last snapshot this process loaded, if that is at most
/// <see cref="GatewayOptions.TenantStaleIfErrorSeconds"/> old. Authentication and policy then stay as they were when
/// last seen (a key rotated or a tenant deleted through another host meanwhile is noticed once the grain answers
/// again); writes through this process still invalidate at once and are never served stale.
/// </para>
/// </summary>
public sealed partial class TenantDirectory(IGrainFactory grains, IOptions<GatewayOptions> options, TimeProvider time, ILogger<TenantDirectory>? logger = null)
{
    // Bound on distinct tenants held; beyond it the cache starts over rather than growing without limit.
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);

    // The last snapshot loaded per tenant and when, for stale-if-error.
    private readonly ConcurrentDictionary<string, (TenantSnapshot Snapshot, long LoadedAt)> _lastKnown = new(StringComparer.Ordinal);

    private long _staleLoggedAt;

    /// <summary>How long a lookup waits for the tenant grain before a stale snapshot is served instead.</summary>
    public static readonly TimeSpan StaleWait = TimeSpan.FromSeconds(2);

    public Task<TenantSnapshot?> GetAsync(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = time.GetTimestamp();
        if (_unknown.TryGetValue(tenantId, out var unknownUntil))
        {
            if (now < unknownUntil)
            {
                return Task.FromResult<TenantSnapshot?>(null);
            }

            _unknown.TryRemove(KeyValuePair.Create(tenantId, unknownUntil));
        }

        var ttlSeconds = options.Value.TenantCacheSeconds;
        if (ttlSeconds <= 0)
        {
            return LoadUncachedAsync(tenantId);
        }

        while (true)
        {
            if (_entries.TryGetValue(tenantId, out var existing))
            {
                if (now < existing.ExpiresAt)
                {
                    return WithStaleFallback(tenantId, existing.Result.Task);
                }

                _entries.TryRemove(KeyValuePair.Create(tenantId, existing));
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            var entry = new Entry(now + (long)(ttlSeconds * (double)time.TimestampFrequency));
            if (_entries.TryAdd(tenantId, entry))
            {
                _ = LoadAsync(tenantId, entry);
                return WithStaleFallback(tenantId, entry.Result.Task);
            }
        }
    }

    /// <summary>Drops the cached snapshot after a write through this process.</summary>
    public void Invalidate(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        _entries.TryRemove(tenantId, out _);
        _unknown.TryRemove(tenantId, out _);
        _lastKnown.TryRemove(tenantId, out _);
    }

    private Task<TenantSnapshot?> WithStaleFallback(string tenantId, Task<TenantSnapshot?> load)
    {
        if (load.IsCompletedSuccessfully || !_lastKnown.TryGetValue(tenantId, out var known))
        {
            return load;
        }

        var maxAge = options.Value.TenantStaleIfErrorSeconds;
        if (maxAge <= 0 || time.GetElapsedTime(known.LoadedAt) > TimeSpan.FromSeconds(maxAge))
        {
            return load;
        }

        return FallBackAsync(load, known.Snapshot);
    }

    private async Task<TenantSnapshot?> FallBackAsync(Task<TenantSnapshot?> load, TenantSnapshot stale)
    {
        try
        {
            return await load.WaitAsync(StaleWait, time);
        }
        catch (Exception error) when (TransientRetry.IsTransientClusterError(error))
        {
            // The load goes on (a late answer still fills the cache); this request uses what was last seen.
            var now = time.GetTimestamp();
            var last = Interlocked.Read(ref _staleLoggedAt);
            if (logger is not null && (last == 0 || time.GetElapsedTime(last, now) > TimeSpan.FromSeconds(10))
                && Interlocked.CompareExchange(ref _staleLoggedAt, now, last) == last)
            {
                LogServedStale(logger, stale.Id, error.GetType().Name);
            }

            return stale;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Tenant grain unreachable ({Error}): serving the last known snapshot of {Tenant} (logged at most every 10 s)")]
    private static partial void LogServedStale(ILogger logger, string tenant, string error);

    private async Task<TenantSnapshot?> LoadUncachedAsync(string tenantId)
    {
        var snapshot = await grains.GetGrain<ITenantGrain>(tenantId).GetAsync();
        Remember(tenantId, snapshot);
        return snapshot;
    }

    private void Remember(string tenantId, TenantSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            _lastKnown.TryRemove(tenantId, out _);
            RememberUnknown(tenantId);
            return;
        }

        if (_lastKnown.Count >= MaxEntries)
        {
            _lastKnown.Clear();
        }

        _lastKnown[tenantId] = (snapshot, time.GetTimestamp());
    }

    private void RememberUnknown(string tenantId)
    {
        var seconds = options.Value.UnknownTenantCacheSeconds;
        if (seconds <= 0)
        {
            return;
        }

        if (_unknown.Count >= Math.Max(1, options.Value.UnknownTenantCacheEntries))
        {
            _unknown.Clear();
        }

        _unknown[tenantId] = time.GetTimestamp() + (long)(seconds * (double)time.TimestampFrequency);
    }

    private async Task LoadAsync(string tenantId, Entry entry)
    {
        try
        {
            var snapshot = await grains.GetGrain<ITenantGrain>(tenantId).GetAsync();
            if (snapshot is null)
            {
                _entries.TryRemove(KeyValuePair.Create(tenantId, entry));
            }

            Remember(tenantId, snapshot);

            entry.Result.SetResult(snapshot);
        }
        catch (Exception error)
        {
            // Failures are not cached: the next request retries the grain.
            _entries.TryRemove(KeyValuePair.Create(tenantId, entry));
            entry.Result.SetException(error);
        }
    }

    private sealed class Entry(long expiresAt)
    {
        public long ExpiresAt { get; } = expiresAt;

        public TaskCompletionSource<TenantSnapshot?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
