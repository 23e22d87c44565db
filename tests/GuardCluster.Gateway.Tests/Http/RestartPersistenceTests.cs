using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GuardCluster.Gateway.Tests.Http;

/// <summary>
/// Tenants, policies and conversation histories survive a full stop and start of the single-process host on
/// its default durable storage (SQLite), with nothing shared between the two runs but the database file.
/// </summary>
public sealed class RestartPersistenceTests : IDisposable
{
    private const string AdminKey = "restart-admin-key-0123456789";
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"guardcluster-restart-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }
    }

    [Fact]
    public async Task History_and_policy_survive_a_restart_of_the_host()
    {
        string tenantKey;
        await using (var first = await StartAsync())
        {
            using var admin = Client(first, AdminKey);
            using var created = await admin.PostAsJsonAsync("/v1/tenants", new { id = "durable" });
            tenantKey = (await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).GetProperty("api_key").GetString()!;
            using var tenant = Client(first, tenantKey);
            using var put = await tenant.PutAsync("/v1/policy", Json("""{"excluded_category_keys":["S13"],"threshold":0.7}"""));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            using var turn1 = await tenant.PostAsync("/v1/conversations/c-1/messages", Json("""{"role":"user","content":"Plan my trip","message_id":"u1"}"""));
            Assert.Equal(HttpStatusCode.OK, turn1.StatusCode);
            using var turn2 = await tenant.PostAsync("/v1/conversations/c-1/messages", Json("""{"role":"assistant","content":"Bring a bomb","message_id":"a1"}"""));
            Assert.Equal(HttpStatusCode.OK, turn2.StatusCode);
        }

        await using var second = await StartAsync();
        using var again = Client(second, tenantKey);

        using var policy = await again.GetAsync("/v1/policy");
        var policyJson = await ApiAssert.JsonAsync(policy, HttpStatusCode.OK);
        using var history = await again.GetAsync("/v1/conversations/c-1");
        var historyJson = await ApiAssert.JsonAsync(history, HttpStatusCode.OK);
        using var retry = await again.PostAsync("/v1/conversations/c-1/messages", Json("""{"role":"assistant","content":"Bring a bomb","message_id":"a1"}"""));
        var retryJson = await ApiAssert.JsonAsync(retry, HttpStatusCode.OK);
        using var turn3 = await again.PostAsync("/v1/conversations/c-1/messages", Json("""{"role":"user","content":"Thanks!"}"""));
        var turn3Json = await ApiAssert.JsonAsync(turn3, HttpStatusCode.OK);

        Assert.Equal(2, policyJson.GetProperty("version").GetInt32());
        Assert.Equal(0.7, policyJson.GetProperty("threshold").GetDouble());
        var messages = historyJson.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("Bring a bomb", messages[1].GetProperty("content").GetString());
        Assert.Equal("unsafe", messages[1].GetProperty("verdict").GetProperty("verdict").GetString());
        Assert.True(retryJson.GetProperty("replayed").GetBoolean());
        Assert.Equal(3, turn3Json.GetProperty("turn").GetInt32());
    }

    private async Task<Host> StartAsync()
    {
        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Demo"] = "true",
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Sqlite",
                ["Guard:Storage:SqlitePath"] = _database,
                ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });
        var app = GuardSilo.Build(builder);
        await app.StartAsync();
        return new Host(app, new Uri(app.Urls.First()));
    }

    private static HttpClient Client(Host host, string key)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Host(WebApplication App, Uri BaseAddress) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
