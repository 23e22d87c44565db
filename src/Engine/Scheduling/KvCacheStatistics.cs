namespace GuardCluster.Engine.Scheduling;

/// <summary>Counters of the KV cache, for tests and operators.</summary>
public sealed class KvCacheStatistics
{
    /// <summary>One-off checks that started from a cached policy header.</summary>
    public long PrefixHits { get; set; }

    /// <summary>Policy headers stored after being prefilled for the first time.</summary>
    public long PrefixesStored { get; set; }

    public long BranchHits { get; set; }

    public long BranchMisses { get; set; }

    public long Spills { get; set; }

    public long Restores { get; set; }

    public long Drops { get; set; }

    /// <summary>Tokens prefilled into idle conversation branches ahead of their next turn.</summary>
    public long PreExtendedTokens { get; set; }
}
