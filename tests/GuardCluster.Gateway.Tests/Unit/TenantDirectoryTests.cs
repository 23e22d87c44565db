using System.Reflection;
using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Gateway.Tenants;
using GuardCluster.Gateway.Tests.Support;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class TenantDirectoryTests
{
    [Fact]
    public async Task CachesUntilTtlAndReloadsAfter()
    {
        var (directory, grain, clock) = Create(ttlSeconds: 5);
        await directory.GetAsync("acme");
        await directory.GetAsync("acme");
        Assert.Equal(1, grain.Calls);

        clock.Advance(TimeSpan.FromSeconds(6));
        await directory.GetAsync("acme");
        Assert.Equal(2, grain.Calls);
    }

    [Fact]
    public async Task InvalidateForcesTheNextCallToReload()
    {
        var (directory, grain, _) = Create(ttlSeconds: 5);
        Assert.Equal(1, (await directory.GetAsync("acme"))!.Policy.Version);
        grain.Version = 2;
        Assert.Equal(1, (await directory.GetAsync("acme"))!.Policy.Version);

        directory.Invalidate("acme");
        Assert.Equal(2, (await directory.GetAsync("acme"))!.Policy.Version);
    }

    [Fact]
    public async Task UnknownTenantsAreRememberedBrieflyAndFailuresNotAtAll()
    {
        var (directory, grain, clock) = Create(ttlSeconds: 5);
        grain.Exists = false;
        Assert.Null(await directory.GetAsync("acme"));
        Assert.Null(await directory.GetAsync("acme"));
        Assert.Equal(1, grain.Calls);

        // Created meanwhile: another host sees it once the negative entry expires; this host at once (Invalidate).
        grain.Exists = true;
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.NotNull(await directory.GetAsync("acme"));
        Assert.Equal(2, grain.Calls);

        directory.Invalidate("acme");
        grain.Fail = true;
        await Assert.ThrowsAsync<TimeoutException>(() => directory.GetAsync("acme"));
        grain.Fail = false;
        Assert.NotNull(await directory.GetAsync("acme"));
    }

    [Fact]
    public async Task InvalidateForgetsAnUnknownTenantAndTheNegativeCacheIsBounded()
    {
        var (directory, grain, _) = Create(ttlSeconds: 5, unknownEntries: 2);
        grain.Exists = false;
        Assert.Null(await directory.GetAsync("acme"));
        grain.Exists = true;
        directory.Invalidate("acme");
        Assert.NotNull(await directory.GetAsync("acme"));
        Assert.Equal(2, grain.Calls);

        grain.Exists = false;
        foreach (var id in new[] { "a", "b", "a", "b" })
        {
            await directory.GetAsync(id);
        }

        Assert.Equal(4, grain.Calls);

        // A third unknown id fills the bounded table, which starts over: "a" costs a lookup again.
        await directory.GetAsync("c");
        await directory.GetAsync("a");
        Assert.Equal(6, grain.Calls);
    }

    [Fact]
    public async Task ZeroTtlAlwaysAsksTheGrain()
    {
        var (directory, grain, _) = Create(ttlSeconds: 0);
        await directory.GetAsync("acme");
        await directory.GetAsync("acme");
        Assert.Equal(2, grain.Calls);
    }

    [Fact]
    public async Task A_tenant_grain_that_cannot_be_reached_is_served_from_the_last_snapshot_within_the_stale_bound()
    {
        var (directory, grain, clock) = Create(ttlSeconds: 5, staleSeconds: 300);
        Assert.Equal(1, (await directory.GetAsync("acme"))!.Policy.Version);

        // Its silo died: the cached entry expires and the reload fails with a transient cluster error.
        grain.Fail = true;
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, (await directory.GetAsync("acme"))!.Policy.Version);
        Assert.Equal(1, (await directory.GetAsync("acme"))!.Policy.Version);

        // Back: the next lookup reads the grain again, and the fresh snapshot is used.
        grain.Fail = false;
        grain.Version = 2;
        Assert.Equal(2, (await directory.GetAsync("acme"))!.Policy.Version);

        // Older than the bound: the error goes to the caller (503 cluster_unavailable).
        grain.Fail = true;
        clock.Advance(TimeSpan.FromSeconds(301));
        await Assert.ThrowsAsync<TimeoutException>(() => directory.GetAsync("acme"));
    }

    [Fact]
    public async Task Stale_snapshots_are_never_served_after_a_local_write_or_when_turned_off()
    {
        var (directory, grain, _) = Create(ttlSeconds: 5, staleSeconds: 300);
        await directory.GetAsync("acme");
        directory.Invalidate("acme"); // a rotation or deletion through this host
        grain.Fail = true;
        await Assert.ThrowsAsync<TimeoutException>(() => directory.GetAsync("acme"));

        var (off, offGrain, offClock) = Create(ttlSeconds: 5, staleSeconds: 0);
        await off.GetAsync("acme");
        offGrain.Fail = true;
        offClock.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<TimeoutException>(() => off.GetAsync("acme"));
    }

    private static (TenantDirectory Directory, FakeTenantGrain Grain, ManualClock Clock) Create(int ttlSeconds, int unknownEntries = 100, int staleSeconds = 300)
    {
        var grain = new FakeTenantGrain();
        var factory = DispatchProxy.Create<IGrainFactory, GrainFactoryProxy>();
        ((GrainFactoryProxy)(object)factory).Grain = grain;
        var clock = new ManualClock();
        var directory = new TenantDirectory(factory, Options.Create(new GatewayOptions { TenantCacheSeconds = ttlSeconds, UnknownTenantCacheEntries = unknownEntries, TenantStaleIfErrorSeconds = staleSeconds }), clock);
        return (directory, grain, clock);
    }

    /// <summary>Answers every GetGrain call with the one fake tenant grain.</summary>
    public class GrainFactoryProxy : DispatchProxy
    {
        public FakeTenantGrain? Grain { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IGrainFactory.GetGrain) ? Grain : throw new NotSupportedException(targetMethod?.Name);
    }

    public sealed class FakeTenantGrain : ITenantGrain
    {
        public int Calls { get; private set; }

        public int Version { get; set; } = 1;

        public bool Exists { get; set; } = true;

        public bool Fail { get; set; }

        public async Task<TenantSnapshot?> GetAsync()
        {
            Calls++;
            await Task.Yield();
            if (Fail)
            {
                throw new TimeoutException("silo gone");
            }

            return Exists ? new TenantSnapshot("acme", ["00"], TenantPolicy.Initial with { Version = Version }, DateTimeOffset.UnixEpoch, "inc-1") : null;
        }

        public Task<IssuedKey> CreateAsync() => throw new NotSupportedException();

        public Task<bool> DeleteAsync() => throw new NotSupportedException();

        public Task<IssuedKey> RotateKeyAsync() => throw new NotSupportedException();

        public Task<TenantPolicy> SetPolicyAsync(TenantPolicy policy) => throw new NotSupportedException();

        public Task<TenantPolicy> UpdatePolicyAsync(PolicyPatch patch, int[]? ifVersions) => throw new NotSupportedException();

        public Task<TenantSnapshot> SetQuotasAsync(TenantLimits overrides) => throw new NotSupportedException();
    }}
