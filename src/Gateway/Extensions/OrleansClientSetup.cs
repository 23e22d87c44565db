using Orleans.Configuration;
using StackExchange.Redis;

namespace GuardCluster.Gateway.Extensions;

/// <summary>
/// Cluster membership for the standalone gateway, read from the same <c>Orleans</c> section the silos use so
/// one configuration serves both: <c>ClusterId</c>/<c>ServiceId</c> (default <c>guardcluster</c>), and
/// localhost clustering (silo gateway port <c>Orleans:GatewayPort</c>, default 30000) unless the provider is
/// Redis. The provider is <c>Orleans:Clustering:Provider</c> or the silo's <c>Orleans:Clustering</c>; the Redis
/// connection is <c>Orleans:Clustering:Redis:ConnectionString</c> or the silo's <c>Orleans:RedisConnectionString</c>.
/// </summary>
public static class OrleansClientSetup
{
    public const string DefaultId = "guardcluster";

    public static void Configure(IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        var clusterId = configuration["Orleans:ClusterId"] ?? DefaultId;
        var serviceId = configuration["Orleans:ServiceId"] ?? DefaultId;
        var provider = configuration["Orleans:Clustering:Provider"] ?? configuration["Orleans:Clustering"];

        if (string.Equals(provider, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            var connection = configuration["Orleans:Clustering:Redis:ConnectionString"] ?? configuration["Orleans:RedisConnectionString"];
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException(
                    "Redis clustering needs Orleans:Clustering:Redis:ConnectionString (or Orleans:RedisConnectionString).");
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            client.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(connection));
            return;
        }

        if (!string.IsNullOrEmpty(provider) && !string.Equals(provider, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unknown Orleans clustering provider '{provider}'; use Localhost or Redis.");
        }

        var gatewayPort = configuration.GetValue<int?>("Orleans:GatewayPort") ?? 30000;
        client.UseLocalhostClustering(gatewayPort, serviceId, clusterId);
    }
}
