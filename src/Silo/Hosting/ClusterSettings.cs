using GuardCluster.Gateway.Extensions;

namespace GuardCluster.Silo.Hosting;

/// <summary>The <c>Cluster</c> configuration section (not "Orleans", which Orleans reads itself): cluster identity, clustering provider and ports.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    public string ClusterId { get; set; } = "guardcluster";

    public string ServiceId { get; set; } = "guardcluster";

    /// <summary><c>Localhost</c> (default: all silos on one machine), <c>Postgres</c> (recommended for many machines) or <c>Redis</c>.</summary>
    public string Clustering { get; set; } = "Localhost";

    public string? RedisConnectionString { get; set; }

    /// <summary>Npgsql connection string for <c>Postgres</c> clustering.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// Apply the PostgreSQL schema (idempotent) at start to the clustering and/or storage database, whichever
    /// is PostgreSQL. Off by default: production usually applies it once with <c>guardctl db init</c>.
    /// </summary>
    public bool PostgresInitSchema { get; set; }

    /// <summary>Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>): pod name, IP and cluster labels from the pod.</summary>
    public bool Kubernetes { get; set; }

    /// <summary>TLS between silos and between gateways and silos; off unless a certificate is set.</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost clustering only: the first silo's port, for second and later silos on one machine.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>Advertised IP for Redis or Postgres clustering (defaults to the first non-loopback address).</summary>
    public string? AdvertisedIp { get; set; }
}
