using Orleans.Configuration;
using StackExchange.Redis;

namespace GuardCluster.Gateway.Extensions;

/// <summary>
/// Cluster membership for the standalone gateway: localhost clustering by default (a silo on this machine),
/// Redis when <c>Orleans:Clustering:Provider=Redis</c>. <c>Orleans:ClusterId</c>/<c>Orleans:ServiceId</c>,
/// when set, must match the silos'.
/// </summary>
public static class OrleansClientSetup
{
    public static void Configure(IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        var clusterId = configuration["Orleans:ClusterId"];
        var serviceId = configuration["Orleans:ServiceId"];
        if (clusterId is not null || serviceId is not null)
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId ?? options.ClusterId;
                options.ServiceId = serviceId ?? options.ServiceId;
            });
        }

        var provider = configuration["Orleans:Clustering:Provider"];
        if (string.Equals(provider, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            var connection = configuration["Orleans:Clustering:Redis:ConnectionString"];
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException("Orleans:Clustering:Provider is Redis but Orleans:Clustering:Redis:ConnectionString is empty.");
            }

            client.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(connection));
            return;
        }

        if (!string.IsNullOrEmpty(provider) && !string.Equals(provider, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unknown Orleans:Clustering:Provider '{provider}'; use Localhost or Redis.");
        }

        client.UseLocalhostClustering();
    }
}
