using System.Collections.Concurrent;
using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using Microsoft.Extensions.Options;

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
/// Unknown tenants are not cached (a later create must work at once), and concurrent misses share one load.
/// </summary>
public sealed class TenantDirectory(IGrainFactory grains, IOptions<GatewayOptions> options, TimeProvider time)
{
    // Bound on distinct tenants held; beyond it the cache starts over rather than growing without limit.
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Task<TenantSnapshot?> GetAsync(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var ttlSeconds = options.Value.TenantCacheSeconds;
        if (ttlSeconds <= 0)
        {
            return grains.GetGrain<ITenantGrain>(tenantId).GetAsync();
        }

        var now = time.GetTimestamp();
        while (true)
        {
            if (_entries.TryGetValue(tenantId, out var existing))
            {
                if (now < existing.ExpiresAt)
                {
                    return existing.Result.Task;
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
                return entry.Result.Task;
            }
        }
    }

    /// <summary>Drops the cached snapshot after a write through this process.</summary>
    public void Invalidate(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        _entries.TryRemove(tenantId, out _);
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
