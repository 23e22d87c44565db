namespace GuardCluster.Engine.Scheduling;

/// <summary>Counters of the KV cache, for tests and operators.</summary>
public sealed class KvCacheStatistics
{
    public long BranchHits { get; set; }

    public long BranchMisses { get; set; }

    public long Spills { get; set; }

    public long Restores { get; set; }

    public long Drops { get; set; }
}
