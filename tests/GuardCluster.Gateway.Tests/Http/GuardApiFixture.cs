using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using GuardCluster.Gateway.Extensions;
using GuardCluster.Gateway.Health;
using GuardCluster.Gateway.Tenants;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GuardCluster.Gateway.Tests.Http;

/// <summary>
/// One real single-process silo + API (demo model, in-memory storage) on 127.0.0.1 with free ports, shared
/// by every HTTP test. Orleans ports are picked free too, so parallel runs on one machine do not collide.
/// </summary>
public class GuardApiFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";
    public const int MaxBatchItems = 4;
    public const int MaxBodyBytes = 64 * 1024;

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>This host's services (e.g. the audit writer, to write out its queue before a test reads the log).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>A folder of this fixture's own (its audit log lives here), deleted on dispose.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "guardcluster-tests-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Demo"] = "true",
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Memory",
                ["Guard:Gateway:MaxBatchItems"] = MaxBatchItems.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Guard:Gateway:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
                ["Guard:Audit:Path"] = Path.Combine(DataDirectory, "audit.db"),

                // Every test comes from 127.0.0.1; only the quota tests' own host limits failed authentications.
                ["Guard:Gateway:AuthFailuresPerMinute"] = "100000",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
            Configure(b);
        });

        var app = GuardSilo.Build(builder);

        await app.StartAsync();
        _app = app;
        BaseAddress = new Uri(app.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)));
    }

    /// <summary>Settings and services of a derived fixture, applied after the shared ones.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Creates a fresh tenant and returns its id and key.</summary>
    public async Task<(string Id, string Key)> CreateTenantAsync(string prefix = "t")
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsJsonAsync("/v1/tenants", new { id });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (id, body.RootElement.GetProperty("api_key").GetString()!);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<GuardApiFixture>
{
    public const string Name = "api";
}
