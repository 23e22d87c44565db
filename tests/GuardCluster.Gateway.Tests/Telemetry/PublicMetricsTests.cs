using System.Net;
using GuardCluster.Gateway.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace GuardCluster.Gateway.Tests.Telemetry;

/// <summary>A host with <c>Guard:Metrics:Public=true</c>: Prometheus may scrape without the admin key.</summary>
public sealed class PublicMetricsFixture : GuardApiFixture
{
    protected override void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Guard:Metrics:Public"] = "true" });
    }
}

public sealed class PublicMetricsTests(PublicMetricsFixture api) : IClassFixture<PublicMetricsFixture>
{
    [Fact]
    public async Task Public_metrics_need_no_key_while_the_admin_api_still_does()
    {
        using var anonymous = api.Client();
        using var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var metrics = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await metrics.Content.ReadAsStringAsync();
        using var tenants = await anonymous.GetAsync(new Uri("/v1/tenants/nobody", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.True(new PrometheusText(text).Sum("guard_requests_total", ("endpoint", "GET /healthz")) >= 1, text);
        Assert.Equal(HttpStatusCode.Unauthorized, tenants.StatusCode);
    }
}
