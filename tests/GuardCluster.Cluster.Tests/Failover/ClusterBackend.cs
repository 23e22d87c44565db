using GuardCluster.Cluster.Tests.Postgres;
using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Cluster.Tests.Failover;

/// <summary>
/// What the silo processes share for membership and grain state: one row per backend in the failover tests (Redis, and
/// PostgreSQL through <see cref="PostgresServer"/>); another backend is one more subclass and one more row.
/// </summary>
public abstract class ClusterBackend : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Configuration keys (with <c>:</c>) every silo of the cluster gets, besides ports and identity.</summary>
    public abstract IReadOnlyDictionary<string, string> SiloSettings { get; }

    public static TheoryData<string> All => new() { "redis", "postgres" };

    /// <summary>Redis alone, for the longer rolling-restart test (CI time).</summary>
    public static TheoryData<string> Redis => new() { "redis" };

    public static async Task<ClusterBackend> StartAsync(string name) => name switch
    {
        "redis" => await RedisBackend.StartAsync(),
        "postgres" => await PostgresBackend.StartAsync(),
        _ => throw new ArgumentException($"Unknown backend '{name}'.", nameof(name)),
    };

    public abstract ValueTask DisposeAsync();

    private sealed class RedisBackend(RedisServer redis) : ClusterBackend
    {
        public override string Name => "redis";

        public override IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>
        {
            ["Cluster:Clustering"] = "Redis",
            ["Cluster:RedisConnectionString"] = redis.ConnectionString,
            ["Guard:Storage:Provider"] = "Redis",
            ["Guard:Storage:RedisConnectionString"] = redis.ConnectionString,
        };

        public static async Task<ClusterBackend> StartAsync() => new RedisBackend(await RedisServer.StartAsync());

        public override ValueTask DisposeAsync() => redis.DisposeAsync();
    }

    private sealed class PostgresBackend(PostgresServer postgres) : ClusterBackend
    {
        public override string Name => "postgres";

        public override IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>
        {
            ["Cluster:Clustering"] = "Postgres",
            ["Cluster:PostgresConnectionString"] = postgres.ConnectionString,
            ["Cluster:PostgresInitSchema"] = "true", // every silo applies it under one advisory lock
            ["Guard:Storage:Provider"] = "Postgres",
            ["Guard:Storage:PostgresConnectionString"] = postgres.ConnectionString,
        };

        public static async Task<ClusterBackend> StartAsync() => new PostgresBackend(await PostgresServer.StartAsync());

        public override ValueTask DisposeAsync() => postgres.DisposeAsync();
    }
}
