using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Cluster.Tests.Failover;

/// <summary>
/// What the silo processes share for membership and grain state. One row per backend in the failover tests: Redis
/// here; a PostgreSQL backend is one more subclass (start or reach a server, return its silo settings) and one more
/// row in <see cref="All"/>.
/// </summary>
public abstract class ClusterBackend : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Configuration keys (with <c>:</c>) every silo of the cluster gets, besides ports and identity.</summary>
    public abstract IReadOnlyDictionary<string, string> SiloSettings { get; }

    public static TheoryData<string> All => new() { "redis" };

    public static async Task<ClusterBackend> StartAsync(string name) => name switch
    {
        "redis" => await RedisBackend.StartAsync(),
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
}
