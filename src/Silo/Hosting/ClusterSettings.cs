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

    /// <summary><c>Cluster:Membership</c>: how fast a dead silo is detected (and how easily a slow one is suspected).</summary>
    public MembershipSettings Membership { get; set; } = new();

    /// <summary>
    /// Orleans' liveness protocol (<c>ClusterMembershipOptions</c>), tuned so a killed silo is declared dead in about
    /// 4–5 s instead of Orleans' ~15 s: each silo probes up to <see cref="NumProbedSilos"/> others; a silo that misses
    /// <see cref="NumMissedProbesLimit"/> probes in a row (each allowed <see cref="ProbeTimeoutSeconds"/>) gets a
    /// suspicion vote, and <see cref="NumVotesForDeathDeclaration"/> unexpired votes declare it dead. The cost: a
    /// healthy silo that cannot answer for longer than about <c>ProbeTimeout × NumMissedProbesLimit</c> (a long GC
    /// pause, a CPU-starved host, a network hiccup) is declared dead too, and must restart to rejoin.
    /// Null keeps Orleans' own default.
    /// </summary>
    public sealed class MembershipSettings
    {
        /// <summary>Initial probe timeout (Orleans: 5 s; it adapts between half and four times this).</summary>
        public double? ProbeTimeoutSeconds { get; set; } = 2;

        /// <summary>Missed probes before a silo votes another one dead (Orleans: 3).</summary>
        public int? NumMissedProbesLimit { get; set; } = 2;

        /// <summary>Silos each silo probes (Orleans: 10).</summary>
        public int? NumProbedSilos { get; set; }

        /// <summary>Votes needed to declare a silo dead (Orleans: 2); capped by the live silos that can vote.</summary>
        public int? NumVotesForDeathDeclaration { get; set; }

        /// <summary>How long a suspicion vote counts (Orleans: 120 s).</summary>
        public double? DeathVoteExpirationSeconds { get; set; } = 20;

        /// <summary>Period of reading the membership table, besides gossip (Orleans: 60 s).</summary>
        public double? TableRefreshSeconds { get; set; } = 10;

        /// <summary>Period of this silo's heartbeat in the table, mostly diagnostic (Orleans default).</summary>
        public double? IAmAliveTablePublishSeconds { get; set; }
    }
}
