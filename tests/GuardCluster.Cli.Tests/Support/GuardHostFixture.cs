using System.Net;
using System.Net.Sockets;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GuardCluster.Cli.Tests.Support;

/// <summary>
/// One real single-process silo + HTTP API (demo model, in-memory storage) on 127.0.0.1 with free ports, for the
/// admin commands. The same setup as the Gateway tests' fixture, kept small: only what guardctl talks to.
/// </summary>
public sealed class GuardHostFixture : IAsyncLifetime
{
    public const string AdminKey = "cli-test-admin-key-0123456789abcdef";

    private WebApplication? app;

    public string Url { get; private set; } = null!;

    private string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "guardctl-host-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Demo"] = "true",
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Memory",
                ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
                ["Guard:Audit:Path"] = Path.Combine(DataDirectory, "audit.db"),

                // The bad-key test fails authentication on purpose; it must not lock out the other tests' address.
                ["Guard:Gateway:AuthFailuresPerMinute"] = "100000",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });

        var started = GuardSilo.Build(builder);
        await started.StartAsync();
        app = started;
        Url = started.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
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

    /// <summary>guardctl in-process against this host with the admin key (the arguments come first, so --url can be overridden).</summary>
    public Task<CliResult> AdminAsync(params string[] args) => AdminWithStdinAsync("", args);

    public Task<CliResult> AdminWithStdinAsync(string stdin, params string[] args) =>
        CliRunner.RunAsync(new FakeLibraries(), stdin, [.. args, "--url", Url, "--admin-key", AdminKey]);

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class GuardHostCollection : ICollectionFixture<GuardHostFixture>
{
    public const string Name = "guard host";
}
