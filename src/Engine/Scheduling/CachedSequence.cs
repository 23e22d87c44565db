namespace GuardCluster.Engine.Scheduling;

/// <summary>Where a cached entry's KV lives now.</summary>
internal enum KvTier
{
    /// <summary>In its own llama.cpp sequence (cells in the context).</summary>
    Resident,

    /// <summary>Saved sequence state in host memory.</summary>
    Memory,

    /// <summary>Saved sequence state in a file of the spill folder.</summary>
    Disk,

    /// <summary>Gone from the cache (dropped or forgotten); the object may still be held by a finished job.</summary>
    Gone,
}

/// <summary>
/// KV kept between requests: a policy header (shared prefix) or one role branch of a conversation. Resident it
/// lives in its own llama.cpp sequence; evicted, a branch is saved to host memory and later to disk, and comes
/// back on its next turn.
/// </summary>
internal sealed class CachedSequence(string key, bool isPrefix, string owner)
{
    public string Key { get; } = key;

    public bool IsPrefix { get; } = isPrefix;

    /// <summary>The tenant whose requests created this entry ("" for the shared default policy header): eviction is fair by owner.</summary>
    public string Owner { get; } = owner;

    /// <summary>The tokens whose KV this entry holds, at positions 0..Length-1.</summary>
    public int[] Tokens { get; set; } = [];

    /// <summary>Leading tokens that are the policy header (a branch's own role word); 0 if not known yet.</summary>
    public int HeaderTokens { get; set; }

    /// <summary>llama.cpp sequence id while resident, otherwise -1.</summary>
    public int SequenceId { get; set; } = -1;

    public KvTier Tier { get; set; } = KvTier.Resident;

    /// <summary>Saved state while <see cref="Tier"/> is <see cref="KvTier.Memory"/>.</summary>
    public byte[]? SavedState { get; set; }

    /// <summary>The saved state's file while <see cref="Tier"/> is <see cref="KvTier.Disk"/>.</summary>
    public string? SpillFile { get; set; }

    /// <summary>Bytes of the saved state (memory or disk).</summary>
    public long SavedBytes { get; set; }

    public long LastUsed { get; set; }

    /// <summary>Stopwatch timestamp of the last use, for idle spilling.</summary>
    public long LastUsedAt { get; set; }

    /// <summary>
    /// Pinned: borrowed by a job (foreground or background) or being restored. A pinned entry is never evicted,
    /// demoted, forgotten or disposed by anyone but its holder: every victim search skips it.
    /// </summary>
    public bool InUse { get; set; }

    /// <summary>Forget this entry when its holder returns it (its conversation was deleted meanwhile).</summary>
    public bool ForgetOnReturn { get; set; }

    public bool IsResident => Tier == KvTier.Resident && SequenceId >= 0;
}
