namespace GuardCluster.Engine.Scheduling;

/// <summary>Counters of the KV cache, for tests and operators.</summary>
public sealed class KvCacheStatistics
{
    /// <summary>One-off checks that started from a cached policy header.</summary>
    public long PrefixHits { get; set; }

    /// <summary>One-off checks with a policy header that found no cached copy of it.</summary>
    public long PrefixMisses { get; set; }

    /// <summary>Policy headers stored after being prefilled for the first time.</summary>
    public long PrefixesStored { get; set; }

    public long BranchHits { get; set; }

    public long BranchMisses { get; set; }

    /// <summary>Branches moved out of the context (to host memory, or straight to disk when memory is full).</summary>
    public long Spills { get; set; }

    /// <summary>Branches brought back into the context from memory or disk.</summary>
    public long Restores { get; set; }

    /// <summary>Branches written to the disk tier (from the context or demoted from memory).</summary>
    public long DiskSpills { get; set; }

    /// <summary>Restores whose state came from disk.</summary>
    public long DiskRestores { get; set; }

    /// <summary>Spilled states that could not be read back exactly (mismatch, missing file) and were discarded.</summary>
    public long SpillDiscards { get; set; }

    /// <summary>Disk writes that failed (the branch was dropped instead).</summary>
    public long SpillErrors { get; set; }

    /// <summary>Bytes of saved branch state held in host memory now.</summary>
    public long MemorySpilledBytes { get; set; }

    /// <summary>Bytes of saved branch state held on disk now.</summary>
    public long DiskSpilledBytes { get; set; }

    public long Drops { get; set; }

    /// <summary>Tokens prefilled into idle conversation branches ahead of their next turn.</summary>
    public long PreExtendedTokens { get; set; }
}
