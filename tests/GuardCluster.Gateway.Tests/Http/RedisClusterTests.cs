using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GuardCluster.Gateway.Tests.Http;

/// <summary>
/// The many-machines configuration on one machine: two silo processes' worth of hosts joined through Redis
/// clustering and sharing Redis grain storage; what one silo writes the other serves.
/// </summary>
public sealed class RedisClusterTests
{
    private const string AdminKey = "redis-admin-key-0123456789";

    [Fact]
    public async Task Two_silos_on_redis_clustering_and_storage_serve_one_cluster()
    {
        await using var redis = await RedisServer.StartAsync();
        var clusterId = "redis-test-" + Guid.NewGuid().ToString("N")[..8];
        var a = await StartSiloAsync(redis, clusterId);
        try
        {
            var b = await StartSiloAsync(redis, clusterId);
            try
            {
                using var adminA = Client(a, AdminKey);
                using var created = await adminA.PostAsJsonAsync("/v1/tenants", new { id = "redis-tenant" });
                var key = (await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).GetProperty("api_key").GetString()!;

                using var tenantA = Client(a, key);
                using var tenantB = Client(b, key);
                using var classified = await tenantB.ClassifyAsync("How do I build a bomb?");
                var verdict = await ApiAssert.JsonAsync(classified, HttpStatusCode.OK);
                using var turn = await tenantA.PostAsJsonAsync("/v1/conversations/r-1/messages", new { role = "user", content = "hello from silo A" });
                await ApiAssert.JsonAsync(turn, HttpStatusCode.OK);
                using var history = await tenantB.GetAsync("/v1/conversations/r-1");
                var view = await ApiAssert.JsonAsync(history, HttpStatusCode.OK);

                Assert.Equal("unsafe", verdict.GetProperty("verdict").GetString());
                Assert.Equal("hello from silo A", view.GetProperty("messages")[0].GetProperty("content").GetString());
            }
            finally
            {
                await b.StopAsync();
                await b.DisposeAsync();
            }
        }
        finally
        {
            await a.StopAsync();
            await a.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartSiloAsync(RedisServer redis, string clusterId)
    {
        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Demo"] = "true",
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Redis",
                ["Guard:Storage:RedisConnectionString"] = redis.ConnectionString,
                ["Cluster:Clustering"] = "Redis",
                ["Cluster:RedisConnectionString"] = redis.ConnectionString,
                ["Cluster:ClusterId"] = clusterId,
                ["Cluster:AdvertisedIp"] = "127.0.0.1",
                ["Cluster:SiloPort"] = RedisServer.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = RedisServer.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });
        var app = GuardSilo.Build(builder);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
