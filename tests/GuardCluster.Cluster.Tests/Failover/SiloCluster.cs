using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GuardCluster.Models;

namespace GuardCluster.Cluster.Tests.Failover;

/// <summary>Three (or more) real silo processes joined through a <see cref="ClusterBackend"/>, each serving the API on its own port.</summary>
public sealed class SiloCluster : IAsyncDisposable
{
    public const string AdminKey = "failover-admin-key-0123456789";

    private SiloCluster(IReadOnlyList<SiloProcess> silos, HttpClient http)
    {
        Silos = silos;
        Http = http;
    }

    public IReadOnlyList<SiloProcess> Silos { get; }

    /// <summary>One client for the whole test (the load balancer's and the clients' connections).</summary>
    public HttpClient Http { get; }

    public static async Task<SiloCluster> StartAsync(ClusterBackend backend, int count, IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var settings = new Dictionary<string, string>(backend.SiloSettings)
        {
            ["Guard:AdminKey"] = AdminKey,
            ["Guard:Model:Path"] = DemoModel.EnsureCached(), // written once here, not raced by three processes
            ["Guard:Model:Threads"] = "1",
            ["Cluster:ClusterId"] = "failover-" + Guid.NewGuid().ToString("N")[..8],
            ["Cluster:AdvertisedIp"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:GuardCluster.Requests"] = "Warning",
            ["DOTNET_gcServer"] = "0", // three hosts and the test on two cores
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        var silos = Enumerable.Range(0, count).Select(i => new SiloProcess(i, settings)).ToArray();
        var cluster = new SiloCluster(silos, http);
        try
        {
            foreach (var silo in silos)
            {
                silo.Start();
            }

            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(http, TimeSpan.FromSeconds(120))));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a tenant through <paramref name="via"/> (Orleans tends to place its grain there) and returns its key.</summary>
    public async Task<string> CreateTenantAsync(SiloProcess via, string id)
    {
        ArgumentNullException.ThrowIfNull(via);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(via.BaseAddress, "/v1/tenants")) { Content = JsonContent.Create(new { id }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"create tenant: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("api_key").GetString()!;
    }

    /// <summary>One tenant per silo, <c>{prefix}-{i}</c> created through silo <c>i</c>; their keys in that order.</summary>
    public async Task<IReadOnlyList<string>> CreateTenantsAsync(string prefix)
    {
        var keys = new List<string>();
        foreach (var silo in Silos)
        {
            keys.Add(await CreateTenantAsync(silo, $"{prefix}-{silo.Index.ToString(CultureInfo.InvariantCulture)}"));
        }

        return keys;
    }

    public string Describe() => string.Join(
        "\n", Silos.Select(s => $"--- silo {s.Index} (http {s.HttpPort.ToString(CultureInfo.InvariantCulture)}) ---\nerrors:\n{s.Errors()}\nlast output:\n{s.OutputTail}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        Http.Dispose();
    }
}
