using GuardCluster.Engine.Scheduling;

namespace GuardCluster.Engine.Tests;

/// <summary>Which tenants yield their steps: the ones whose waiting work dwarfs the lightest active tenant's.</summary>
public sealed class TenantUsageTests
{
    private const int Margin = 512;

    [Fact]
    public void A_tenant_alone_is_never_heavy_however_large_its_backlog()
    {
        var usage = new TenantUsage();
        Assert.Empty(usage.HeavyTenants(Backlog(("a", 100_000)), Margin));
    }

    [Fact]
    public void A_bulk_backlog_is_heavy_next_to_a_tenant_with_one_check_in_flight_or_none_waiting()
    {
        var usage = new TenantUsage();
        Assert.Equal(["a"], usage.HeavyTenants(Backlog(("a", 6_000), ("b", 400)), Margin));

        // b fed tokens a moment ago and waits for nothing now: it is still active, so a still yields.
        usage.Record(new Dictionary<string, int> { ["b"] = 80 });
        Assert.Equal(["a"], usage.HeavyTenants(Backlog(("a", 6_000)), Margin));
    }

    [Fact]
    public void Comparable_backlogs_are_not_heavy_and_a_light_tenant_never_becomes_heavy_by_using_the_steps()
    {
        var usage = new TenantUsage();
        Assert.Empty(usage.HeavyTenants(Backlog(("a", 5_000), ("b", 4_000)), Margin));

        // b has used every step lately (a usage rule would call it heavy); its backlog is still the smaller one.
        for (var i = 0; i < 100; i++)
        {
            usage.Record(new Dictionary<string, int> { ["b"] = 400, ["a"] = 4 });
        }

        Assert.DoesNotContain("b", usage.HeavyTenants(Backlog(("a", 6_000), ("b", 400)), Margin));
    }

    [Fact]
    public void The_margin_keeps_small_differences_from_throttling_anyone()
    {
        var usage = new TenantUsage();
        Assert.Empty(usage.HeavyTenants(Backlog(("a", 900), ("b", 200)), Margin));
        Assert.Equal(["a"], usage.HeavyTenants(Backlog(("a", 913), ("b", 200)), Margin));
    }

    private static Dictionary<string, long> Backlog(params (string Tenant, long Tokens)[] items) =>
        items.ToDictionary(i => i.Tenant, i => i.Tokens, StringComparer.Ordinal);
}
