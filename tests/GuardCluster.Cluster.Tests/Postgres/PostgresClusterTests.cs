using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GuardCluster.Gateway.Extensions;
using GuardCluster.Grains;
using GuardCluster.Gateway.Health;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Storage;

namespace GuardCluster.Cluster.Tests.Postgres;

/// <summary>
/// The recommended many-machines store, on a real PostgreSQL: silos joined by Orleans' ADO.NET clustering and
/// sharing ADO.NET grain storage, the schema applied by the silos themselves (two at once, so the advisory lock
/// and the idempotent scripts are exercised). What one silo writes the other serves; after every silo stops,
/// a new one reads tenants, policies and conversations back, and the membership rows show who came and went.
/// </summary>
public sealed class PostgresClusterTests
{
    private const string AdminKey = "postgres-admin-key-0123456789";

    [Fact]
    public async Task Two_silos_on_postgres_share_state_that_survives_a_full_restart()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var clusterId = "pg-test-" + Guid.NewGuid().ToString("N")[..8];

        string tenantKey;
        var startA = StartSiloAsync(postgres, clusterId);
        var startB = StartSiloAsync(postgres, clusterId);
        var silos = await Task.WhenAll(startA, startB);
        try
        {
            var (a, b) = (silos[0], silos[1]);
            using var admin = Client(a, AdminKey);
            using var created = await admin.PostAsJsonAsync("/v1/tenants", new { id = "pg-tenant" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            tenantKey = (await Json(created)).GetProperty("api_key").GetString()!;

            using var tenantA = Client(a, tenantKey);
            using var tenantB = Client(b, tenantKey);
            using var put = await tenantB.PutAsync("/v1/policy", Body("""{"excluded_category_keys":["S13"],"threshold":0.7}"""));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            using var turn = await tenantA.PostAsync("/v1/conversations/pg-1/messages", Body("""{"role":"user","content":"hello from silo A","message_id":"u1"}"""));
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            using var history = await tenantB.GetAsync("/v1/conversations/pg-1");
            Assert.Equal("hello from silo A", (await Json(history)).GetProperty("messages")[0].GetProperty("content").GetString());

            var live = await MembershipAsync(postgres, clusterId);
            Assert.Equal(2, live.Count(r => r.Status == 3)); // SiloStatus.Active

            // A standalone gateway finds the silos through the same PostgreSQL membership (GatewaysQueryKey).
            var gateway = await StartGatewayAsync(postgres, clusterId);
            try
            {
                using var viaGateway = Client(gateway, tenantKey);
                using var ready = await WaitReadyAsync(gateway);
                using var fromGateway = await viaGateway.GetAsync("/v1/conversations/pg-1");
                Assert.Equal("hello from silo A", (await Json(fromGateway)).GetProperty("messages")[0].GetProperty("content").GetString());
            }
            finally
            {
                await gateway.StopAsync();
                await gateway.DisposeAsync();
            }

            await EtagsAreEnforcedAsync(b.Services.GetRequiredKeyedService<IGrainStorage>(GuardStorage.Name));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.StopAsync();
                await silo.DisposeAsync();
            }
        }

        var afterStop = await MembershipAsync(postgres, clusterId);
        Assert.Equal(2, afterStop.Count);
        Assert.All(afterStop, r => Assert.Equal(6, r.Status)); // SiloStatus.Dead after a graceful stop

        var c = await StartSiloAsync(postgres, clusterId);
        try
        {
            using var tenant = Client(c, tenantKey);
            using var policy = await tenant.GetAsync("/v1/policy");
            var policyJson = await Json(policy);
            using var history = await tenant.GetAsync("/v1/conversations/pg-1");
            var messages = (await Json(history)).GetProperty("messages");
            using var retry = await tenant.PostAsync("/v1/conversations/pg-1/messages", Body("""{"role":"user","content":"hello from silo A","message_id":"u1"}"""));
            var retryJson = await Json(retry);

            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
            Assert.Equal(0.7, policyJson.GetProperty("threshold").GetDouble());
            Assert.Equal(1, messages.GetArrayLength());
            Assert.Equal("hello from silo A", messages[0].GetProperty("content").GetString());
            Assert.True(retryJson.GetProperty("replayed").GetBoolean());
            var rows = await MembershipAsync(postgres, clusterId);
            Assert.Single(rows, r => r.Status == 3);
        }
        finally
        {
            await c.StopAsync();
            await c.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM OrleansStorage WHERE PayloadBinary IS NOT NULL", connection);
        Assert.True((long)(await count.ExecuteScalarAsync())! >= 2, "tenant and conversation state rows in OrleansStorage");
    }

    [Fact]
    public async Task Schema_scripts_apply_twice_without_error()
    {
        await using var postgres = await PostgresServer.StartAsync();
        string[] scripts = [Silo.Storage.Postgres.PostgresSchema.ClusteringScript, Silo.Storage.Postgres.PostgresSchema.StorageScript];
        await Silo.Storage.Postgres.PostgresSchema.ApplyAsync(postgres.ConnectionString, scripts);
        await Silo.Storage.Postgres.PostgresSchema.ApplyAsync(postgres.ConnectionString, scripts);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery", connection);
        Assert.Equal(12L, (long)(await command.ExecuteScalarAsync())!);
    }

    private static async Task<List<(string Address, int Port, int Status)>> MembershipAsync(PostgresServer postgres, string clusterId)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT Address, Port, Status FROM OrleansMembershipTable WHERE DeploymentId = @id", connection);
        command.Parameters.AddWithValue("id", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    private static async Task<WebApplication> StartSiloAsync(PostgresServer postgres, string clusterId)
    {
        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Demo"] = "true",
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Postgres",
                ["Guard:Storage:PostgresConnectionString"] = postgres.ConnectionString,
                ["Cluster:Clustering"] = "Postgres",
                ["Cluster:PostgresConnectionString"] = postgres.ConnectionString,
                ["Cluster:PostgresInitSchema"] = "true",
                ["Cluster:ClusterId"] = clusterId,
                ["Cluster:AdvertisedIp"] = "127.0.0.1",
                ["Cluster:SiloPort"] = PostgresServer.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = PostgresServer.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });
        var app = GuardSilo.Build(builder);
        await app.StartAsync();
        return app;
    }

    /// <summary>The storage queries' optimistic concurrency: a write or clear with a stale etag (or none) is refused.</summary>
    private static async Task EtagsAreEnforcedAsync(IGrainStorage storage)
    {
        const string type = "EtagTest";
        var id = GrainId.Create("etag-test", Guid.NewGuid().ToString("N"));
        var owner = new GrainState<List<int>>([1]);
        await storage.WriteStateAsync(type, id, owner);
        Assert.Equal("1", owner.ETag);

        var second = new GrainState<List<int>>([2]); // never read: no etag, as a double activation would be
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(type, id, second));
        var stale = new GrainState<List<int>>();
        await storage.ReadStateAsync(type, id, stale);
        Assert.Equal([1], stale.State);
        Assert.Equal("1", stale.ETag);

        owner.State = [3];
        await storage.WriteStateAsync(type, id, owner);
        Assert.Equal("2", owner.ETag);
        stale.State = [4];
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(type, id, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(type, id, stale));

        await storage.ClearStateAsync(type, id, owner);
        var cleared = new GrainState<List<int>>();
        await storage.ReadStateAsync(type, id, cleared);
        Assert.Empty(cleared.State!);
        Assert.Equal("3", cleared.ETag);
    }

    /// <summary>The standalone gateway as <c>GatewayProgram</c> builds it: an Orleans client serving the HTTP API.</summary>
    private static async Task<WebApplication> StartGatewayAsync(PostgresServer postgres, string clusterId)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Guard:AdminKey"] = AdminKey,
            ["Cluster:Clustering"] = "Postgres",
            ["Cluster:PostgresConnectionString"] = postgres.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.UseOrleansClient(client => OrleansClientSetup.Configure(client, builder.Configuration));
        builder.Services.AddGuardGateway(builder.Configuration);
        builder.Services.AddSingleton<ClusterClientReadiness>();
        builder.Services.AddSingleton<IGuardReadiness>(sp => sp.GetRequiredService<ClusterClientReadiness>());
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterClientReadiness>());
        var app = builder.Build();
        app.MapGuardGateway();
        await app.StartAsync();
        return app;
    }

    /// <summary>Polls <c>/readyz</c> (bounded: 30 s) until the gateway holds a silo connection.</summary>
    private static async Task<HttpResponseMessage> WaitReadyAsync(WebApplication app)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.GetAsync("/readyz");
            if (response.IsSuccessStatusCode || attempt == 150)
            {
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                return response;
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }

    private static HttpClient Client(WebApplication app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
