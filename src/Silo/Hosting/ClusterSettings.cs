namespace GuardCluster.Silo.Hosting;

/// <summary>The <c>Cluster</c> configuration section (not "Orleans", which Orleans reads itself): cluster identity, clustering provider and ports.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    public string ClusterId { get; set; } = "guardcluster";

    public string ServiceId { get; set; } = "guardcluster";

    /// <summary><c>Localhost</c> (default: all silos on one machine) or <c>Redis</c>.</summary>
    public string Clustering { get; set; } = "Localhost";

    public string? RedisConnectionString { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost clustering only: the first silo's port, for second and later silos on one machine.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>Advertised IP for Redis clustering (defaults to the first non-loopback address).</summary>
    public string? AdvertisedIp { get; set; }
}
