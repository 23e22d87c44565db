using GuardCluster.Core.Telemetry;

namespace GuardCluster.Gateway.Tests.Telemetry;

public sealed class TenantLabelsTests
{
    [Fact]
    public void The_busiest_tenants_keep_their_label_and_the_rest_are_other()
    {
        var labels = new TenantLabels(limit: 2);
        Assert.Equal("a", labels.Count("a"));
        Assert.Equal("b", labels.Count("b"));
        Assert.Equal(TenantLabels.Other, labels.Count("c"));
        Assert.Equal(TenantLabels.None, labels.Count(null));
        Assert.Equal(TenantLabels.None, labels.Count(""));

        // "a" grows; "c" must reach twice the smaller labelled tenant's volume ("b": 1) to take its place.
        for (var i = 0; i < 5; i++)
        {
            labels.Count("a");
        }

        Assert.Equal("c", labels.Count("c"));
        Assert.Equal(TenantLabels.Other, labels.Peek("b"));
        Assert.Equal(TenantLabels.Other, labels.Count("b"));
        Assert.Equal("a", labels.Peek("a"));
        Assert.Equal("c", labels.Peek("c"));
    }

    [Fact]
    public void A_limit_of_zero_reports_every_tenant_as_other()
    {
        var labels = new TenantLabels(limit: 0);
        Assert.Equal(TenantLabels.Other, labels.Count("a"));
        Assert.Equal(TenantLabels.None, labels.Count(null));
    }
}
