using GuardCluster.Contracts;
using GuardCluster.Gateway.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GuardCluster.Gateway.Tests.Audit;

public sealed class AuditOptionsTests
{
    [Theory]
    [InlineData(null, 30)] // tenant set nothing: the default
    [InlineData(0, 30)]
    [InlineData(7, 7)]
    [InlineData(90, 90)]
    [InlineData(365, 90)] // stored before the operator lowered the cap: capped
    public void Retention_is_the_tenants_own_or_the_default_capped_by_the_operator(int? days, int expected)
    {
        var options = new AuditOptions();
        Assert.Equal(expected, options.RetentionDaysFor(days is { } d ? new AuditSettings(false, d) : null));
    }

    [Fact]
    public void A_lower_cap_also_caps_the_default()
    {
        Assert.Equal(10, new AuditOptions { MaxRetentionDays = 10 }.RetentionDaysFor(null));
    }

    [Theory]
    [InlineData("Provider", "mysql", "Unknown Guard:Audit:Provider")]
    [InlineData("Provider", "postgres", "Guard:Audit:ConnectionString is required")]
    [InlineData("MaxRetentionDays", "0", "MaxRetentionDays must be at least 1")]
    [InlineData("QueueCapacity", "0", "QueueCapacity")]
    public void Bad_settings_stop_the_host_at_start(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"Guard:Audit:{key}", value)]).Build();
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGuardAudit(configuration));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
