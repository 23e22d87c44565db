using Orleans.Configuration;
using StackExchange.Redis;

namespace GuardCluster.Gateway.Extensions;

/// <summary>
/// Cluster membership for the standalone gateway, read from the silos' <c>Cluster</c> section so one
/// configuration serves both: <c>Cluster:ClusterId</c>/<c>Cluster:ServiceId</c> (default <c>guardcluster</c>),
/// <c>Cluster:Clustering</c> = <c>Localhost</c> (default; silo gateway ports <c>Cluster:GatewayPorts</c>, e.g.
/// <c>30000,30001,30002</c>, else <c>Cluster:GatewayPort</c>, 30000)
/// <c>Postgres</c> (<c>Cluster:PostgresConnectionString</c>) or <c>Redis</c> (<c>Cluster:RedisConnectionString</c>);
/// TLS to the silos when <c>Cluster:Tls:CertificatePath</c> is set. Not the <c>Orleans</c> section: Orleans 10 reads
/// <c>Orleans:Clustering</c> itself and fails on any value there that lacks its own <c>ProviderType</c> key.
/// </summary>
public static class OrleansClientSetup
{
    public const string Section = "Cluster";
    public const string DefaultId = "guardcluster";
    public const double DefaultGatewayListRefreshSeconds = 10;

    public static void Configure(IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        client.AddActivityPropagation();
        var cluster = configuration.GetSection(Section);
        var clusterId = cluster["ClusterId"] ?? DefaultId;
        var serviceId = cluster["ServiceId"] ?? DefaultId;
        var provider = cluster["Clustering"];
        var tls = cluster.GetSection("Tls").Get<ClusterTlsSettings>() ?? new ClusterTlsSettings();
        if (tls.Enabled)
        {
            var certificate = tls.LoadCertificate();
            client.UseTls(certificate, options => ClusterTlsSettings.Configure(options, certificate));
        }

        if (string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            var connection = cluster["PostgresConnectionString"];
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException("Cluster:Clustering is Postgres but Cluster:PostgresConnectionString is empty.");
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connection;
            });
            return;
        }

        // How often the client re-reads the live gateway list (Orleans: 1 min). A gateway whose connection fails is
        // dropped at once; this bounds how long a new or restarted silo waits before this client uses it.
        var refresh = cluster.GetValue<double?>("GatewayListRefreshSeconds") ?? DefaultGatewayListRefreshSeconds;
        if (refresh is <= 0 or > 3600)
        {
            throw new InvalidOperationException("Cluster:GatewayListRefreshSeconds must be between 0 and 3600.");
        }

        client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(refresh));

        if (string.Equals(provider, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            var connection = cluster["RedisConnectionString"];
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException("Cluster:Clustering is Redis but Cluster:RedisConnectionString is empty.");
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
            throw new InvalidOperationException($"Unknown Cluster:Clustering '{provider}'; use Localhost, Postgres or Redis.");
        }

        // Several silos on one machine: list every silo's gateway port so calls with varying worker keys spread over them.
        var ports = (cluster["GatewayPorts"] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        if (ports.Length == 0)
        {
            ports = [cluster.GetValue<int?>("GatewayPort") ?? 30000];
        }

        client.UseLocalhostClustering(ports, serviceId, clusterId);
    }
}
