using GuardCluster.Gateway.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Gateway.Tests.Telemetry;

/// <summary>
/// A host of its own for the telemetry tests: no other test's requests move its counters, per-request log lines are on
/// (Information for <c>GuardCluster.Requests</c>) and captured by a real logger provider.
/// </summary>
public sealed class MetricsApiFixture : GuardApiFixture
{
    public CapturedLogs Logs { get; } = new();

    protected override void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Guard:Metrics:TenantLabelLimit"] = "100",
            ["Logging:LogLevel:GuardCluster.Requests"] = "Information",
        });
        builder.Services.AddSingleton<ILoggerProvider>(Logs);
    }
}

[CollectionDefinition(Name)]
public sealed class MetricsCollection : ICollectionFixture<MetricsApiFixture>
{
    public const string Name = "metrics";
}
