using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using GuardCluster.Bench.Systems;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// The real single-process silo + HTTP API (demo model, in-memory storage) on loopback with free ports, and one
/// tenant to call it as. <see cref="Unavailable"/> says why not, if this build of the silo maps no API yet.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private const string AdminKey = "bench-admin-key-0123456789abcdef";
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private BenchSilo(WebApplication app, HttpClient client)
    {
        _app = app;
        _client = client;
    }

    public HttpSystem System { get; private set; } = null!;

    public string? Unavailable { get; private set; }

    public static async Task<BenchSilo> StartAsync(int threads, bool flashAttention)
    {
        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Demo"] = "true",
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Memory",
                ["Guard:Model:Threads"] = threads.ToString(CultureInfo.InvariantCulture),
                ["Guard:Model:FlashAttention"] = flashAttention ? "true" : "false",
                ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",

                // Its first check after start reports the time since an unset timestamp as a stall (e.g. "28 minutes").
                ["Logging:LogLevel:Orleans.Runtime.Watchdog"] = "Error",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });
        var app = GuardSilo.Build(builder);
        await app.StartAsync();
        var address = new Uri(app.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)));
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var silo = new BenchSilo(app, client);
        await silo.CreateTenantAsync();
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CreateTenantAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants") { Content = JsonContent.Create(new { id = "bench" }) };
        request.Headers.Authorization = new("Bearer", AdminKey);
        using var response = await _client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            Unavailable = "this silo build maps no /v1/tenants (the HTTP API is not in GuardSilo.Build yet; merge main)";
            return;
        }

        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /v1/tenants answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        System = new HttpSystem(_client, json.RootElement.GetProperty("api_key").GetString()!);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
