using GuardCluster.Contracts;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Quotas;
using GuardCluster.Gateway.Tests.Support;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class TenantQuotaGateTests
{
    [Fact]
    public void ConcurrencyIsCountedPerHostShareAndReleasedOnDispose()
    {
        var gate = new TenantQuotaGate(new FixedHosts(2), new ManualClock());
        var tenant = Caller(TenantLimits.None with { MaxConcurrentRequests = 3 });

        // ceil(3 / 2) = 2 on this host.
        var first = gate.Enter(tenant, 1);
        using var second = gate.Enter(tenant, 1);
        var refused = Assert.Throws<RateLimitedException>(() => gate.Enter(tenant, 1));
        Assert.Equal("rate_limited", refused.Code);
        Assert.Equal(1, refused.RetryAfterSeconds);

        first.Dispose();
        first.Dispose();
        using var third = gate.Enter(tenant, 1);
        Assert.Throws<RateLimitedException>(() => gate.Enter(tenant, 1));
    }

    [Fact]
    public void RatesAreSharedBetweenHostsAndRefillEvenly()
    {
        var clock = new ManualClock();
        var gate = new TenantQuotaGate(new FixedHosts(3), clock);
        var tenant = Caller(TenantLimits.None with { RequestsPerMinute = 12 });

        // 4 per minute on this host: a burst of 4, then one every 15 s.
        for (var i = 0; i < 4; i++)
        {
            gate.Enter(tenant, 1).Dispose();
        }

        var refused = Assert.Throws<RateLimitedException>(() => gate.Enter(tenant, 1));
        Assert.Equal(15, refused.RetryAfterSeconds);
        clock.Advance(TimeSpan.FromSeconds(15));
        gate.Enter(tenant, 1).Dispose();
        Assert.Throws<RateLimitedException>(() => gate.Enter(tenant, 1));

        // Another tenant has its own buckets.
        gate.Enter(Caller(TenantLimits.None with { RequestsPerMinute = 12 }, "other"), 1).Dispose();
    }

    [Fact]
    public void ABatchLargerThanTheWholeBucketWaitsForAFullBucketInsteadOfFailingForever()
    {
        var clock = new ManualClock();
        var gate = new TenantQuotaGate(new FixedHosts(1), clock);
        var tenant = Caller(TenantLimits.None with { RequestsPerMinute = 2 });

        gate.Enter(tenant, 5).Dispose();
        var refused = Assert.Throws<RateLimitedException>(() => gate.Enter(tenant, 5));
        Assert.Equal(150, refused.RetryAfterSeconds);
        clock.Advance(TimeSpan.FromSeconds(150));
        gate.Enter(tenant, 5).Dispose();
    }

    private static TenantCaller Caller(TenantLimits quota, string id = "acme") =>
        new(id, new TenantSnapshot(id, [], TenantPolicy.Initial, DateTimeOffset.UnixEpoch, "i") { Quota = quota });

    private sealed class FixedHosts(int count) : IApiHostCount
    {
        public int Count => count;
    }
}
