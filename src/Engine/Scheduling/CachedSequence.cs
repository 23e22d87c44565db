using LLama;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// KV kept between requests: a policy header (shared prefix) or one role branch of a conversation. While
/// resident it lives in its own llama.cpp sequence; a spilled branch lives in host memory as a saved sequence
/// state and comes back on its next turn.
/// </summary>
internal sealed class CachedSequence(string key, bool isPrefix)
{
    public string Key { get; } = key;

    public bool IsPrefix { get; } = isPrefix;

    /// <summary>The tokens whose KV this entry holds, at positions 0..Length-1.</summary>
    public int[] Tokens { get; set; } = [];

    /// <summary>Leading tokens that are the policy header (a branch's own role word); 0 if not known yet.</summary>
    public int HeaderTokens { get; set; }

    /// <summary>llama.cpp sequence id while resident, otherwise -1.</summary>
    public int SequenceId { get; set; } = -1;

    public LLamaContext.SequenceState? Spilled { get; set; }

    public long LastUsed { get; set; }

    /// <summary>Stopwatch timestamp of the last use, for idle spilling.</summary>
    public long LastUsedAt { get; set; }

    /// <summary>Borrowed by a running job: must not be evicted or changed by anyone else.</summary>
    public bool InUse { get; set; }

    public bool IsResident => SequenceId >= 0;
}
