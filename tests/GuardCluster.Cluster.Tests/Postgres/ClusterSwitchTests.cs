using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;

namespace GuardCluster.Cluster.Tests.Postgres;

/// <summary>
/// The <c>Cluster</c> switches added for PostgreSQL and Kubernetes, checked at build time (no server, no
/// Kubernetes API): what they register, and the one-line errors for settings that cannot work.
/// </summary>
public sealed class ClusterSwitchTests
{
    private const string AdminKey = "switch-admin-key-0123456789";
    private const string Connection = "Host=127.0.0.1;Port=1;Database=none;Username=none";

    [Fact]
    public void Kubernetes_hosting_is_registered_only_when_switched_on()
    {
        using var on = Build(new() { ["Cluster:Clustering"] = "Postgres", ["Cluster:PostgresConnectionString"] = Connection, ["Cluster:Kubernetes"] = "true" });
        using var off = Build(new() { ["Cluster:Clustering"] = "Postgres", ["Cluster:PostgresConnectionString"] = Connection, ["Cluster:AdvertisedIp"] = "127.0.0.1" });

        Assert.NotNull(on.GetService<IConfigureOptions<KubernetesHostingOptions>>());
        Assert.Null(off.GetService<IConfigureOptions<KubernetesHostingOptions>>());
    }

    [Theory]
    [InlineData("Cluster:Kubernetes", "Localhost", null, "Cluster:Kubernetes")]
    [InlineData(null, "Postgres", null, "Cluster:PostgresConnectionString")]
    [InlineData(null, "Postgress", null, "Unknown Cluster:Clustering")]
    [InlineData("Cluster:PostgresInitSchema", "Localhost", null, "Cluster:PostgresInitSchema")]
    [InlineData(null, "Localhost", "Postgres", "Guard:Storage:PostgresConnectionString")]
    public void Unworkable_settings_stop_the_silo_with_a_clear_message(string? flag, string clustering, string? storage, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Cluster:Clustering"] = clustering };
        if (flag is not null)
        {
            settings[flag] = "true";
        }

        if (storage is not null)
        {
            settings["Guard:Storage:Provider"] = storage;
        }

        var error = Assert.Throws<InvalidOperationException>(() => Build(settings).Dispose());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_stops_schema_init_with_one_line_and_no_password()
    {
        var port = PostgresServer.FreePort(); // nothing listens there
        var connection = $"Host=127.0.0.1;Port={port};Database=guard;Username=guard;Password=secret-pw;Timeout=3";
        var builder = GuardSilo.CreateBuilder([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Guard:AdminKey"] = AdminKey,
            ["Guard:Storage:Provider"] = "Postgres",
            ["Guard:Storage:PostgresConnectionString"] = connection,
            ["Cluster:PostgresInitSchema"] = "true",
            ["Logging:LogLevel:Default"] = "None",
        }));
        await using var app = GuardSilo.Build(builder);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains($"127.0.0.1:{port}/guard", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Guard:AdminKey"] = AdminKey;
        settings.TryAdd("Guard:Storage:Provider", "Memory");
        var builder = GuardSilo.CreateBuilder([], b => b.Configuration.AddInMemoryCollection(settings));
        return builder.Services.BuildServiceProvider();
    }
}
