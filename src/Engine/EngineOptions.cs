namespace GuardCluster.Engine;

/// <summary>
/// How one engine loads its model and schedules work. Every knob that changes speed or memory is explicit:
/// the defaults are tuned for a small CPU box and overridden from configuration/CLI flags.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>Path of a GGUF file (memory-mapped).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Name reported in verdicts; defaults to the file name without extension.</summary>
    public string? ModelName { get; init; }

    /// <summary>KV cells shared by all sequences (llama.cpp unified KV cache).</summary>
    public int ContextSize { get; init; } = 8192;

    /// <summary>Most tokens submitted in one decode call (logical batch); also the per-step token budget.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Physical micro-batch size; 256–512 measured best on CPU.</summary>
    public int UBatchSize { get; init; } = 512;

    /// <summary>
    /// llama.cpp worker threads. On a 2-core box OpenMP workers compete with .NET threads, so this is
    /// explicit rather than "all cores"; 0 means <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Layers offloaded to the GPU (0 = CPU only; a large number offloads everything).</summary>
    public int GpuLayers { get; init; }

    public bool FlashAttention { get; init; } = true;

    /// <summary>Concurrent sequences decoded together in one batch.</summary>
    public int MaxSequences { get; init; } = 8;

    /// <summary>Requests waiting for a sequence slot before callers get <see cref="EngineOverloadedException"/>.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Of <see cref="QueueCapacity"/>, how many one tenant's requests may take; 0 means a quarter of it. Requests without a tenant id are bounded by the total only.</summary>
    public int QueueCapacityPerTenant { get; init; }

    /// <summary>
    /// Of <see cref="MaxSequences"/>, how many one tenant's one-off checks may hold at once, so another tenant's request
    /// always finds a free sequence; 0 means all but one.
    /// </summary>
    public int MaxSequencesPerTenant { get; init; }

    /// <summary>
    /// While several tenants share the engine, prompt tokens per step given to the tenants whose waiting work dwarfs the
    /// lightest active tenant's (the rest of the step goes to the others first): a light tenant's check then waits for at
    /// most one short step.
    /// </summary>
    public int SharedStepTokens { get; init; } = 32;

    /// <summary>Generation cap; Llama Guard answers in at most ~20 tokens.</summary>
    public int MaxNewTokens { get; init; } = 20;

    /// <summary>Keep each policy header's KV once and share it with every request under that policy.</summary>
    public bool PrefixCache { get; init; } = true;

    /// <summary>Keep each conversation's two role branches between checks (needs <see cref="GuardCluster.Core.GuardRequest.SessionKey"/>).</summary>
    public bool SessionCache { get; init; } = true;

    /// <summary>Idle conversation branches are saved to host memory instead of being dropped.</summary>
    public bool SpillToHost { get; init; } = true;

    /// <summary>Cached KV sequences kept resident (prefixes plus conversation branches).</summary>
    public int MaxCachedSequences { get; init; } = 64;

    /// <summary>KV cells the cache may hold; 0 means half the context.</summary>
    public int CacheCells { get; init; }

    /// <summary>A conversation branch unused this long is saved to host memory, freeing its KV cells (zero: only under pressure).</summary>
    public TimeSpan SpillAfterIdle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Host memory for spilled conversation branches.</summary>
    public long SpillBudgetBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// Folder for the disk tier of spilled conversation branches (below host memory); null keeps no disk tier. The
    /// engine owns a subfolder it removes on stop; subfolders of engines that are gone are removed on start.
    /// </summary>
    public string? SpillPath { get; init; }

    /// <summary>Disk bytes the spilled branches may take under <see cref="SpillPath"/>.</summary>
    public long SpillDiskBudgetBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>
    /// Append the <c>"\n\n"</c> Llama Guard always emits first to the prompt instead of decoding it, and stop at
    /// <c>safe</c> without decoding <c>&lt;|eot_id|&gt;</c>. Off gives plain greedy decoding.
    /// </summary>
    public bool FastVerdict { get; init; } = true;

    /// <summary>
    /// While the engine is idle, extend each conversation's other role branch with the newest messages, so the next
    /// turn prefills only its own message and the prompt's fixed end. Work that would wait for the next turn anyway.
    /// </summary>
    public bool PreExtendBranches { get; init; } = true;

    /// <summary>Tokens per decode call for that idle work: the longest a request arriving meanwhile waits (one call).</summary>
    public int BackgroundChunkTokens { get; init; } = 16;

    internal int TotalSequences => MaxSequences + MaxCachedSequences;

    /// <summary>Grammar-forced draft tokens the scheduler may feed beyond the last chosen token (VerdictDecoder.Draft).</summary>
    internal const int MaxDraftTokens = 2;

    /// <summary>
    /// The one definition of "fits": KV cells a prompt of <paramref name="promptTokens"/> needs in the worst case (no
    /// cached prefix, the full answer cap, the decoder's drafts). The engine refuses prompts above the context at once and
    /// the scheduler reserves exactly this, so everything admitted can be placed in an empty cache.
    /// </summary>
    internal int CellsFor(int promptTokens) => promptTokens + MaxNewTokens + MaxDraftTokens;

    /// <summary>Longest prompt that can ever run.</summary>
    internal int MaxPromptTokens => ContextSize - MaxNewTokens - MaxDraftTokens;

    internal int EffectiveQueueCapacityPerTenant => QueueCapacityPerTenant > 0 ? QueueCapacityPerTenant : Math.Max(1, QueueCapacity / 4);

    internal int EffectiveMaxSequencesPerTenant => MaxSequencesPerTenant > 0 ? Math.Min(MaxSequencesPerTenant, MaxSequences) : Math.Max(1, MaxSequences - 1);

    internal Scheduling.KvCacheOptions ToKvCacheOptions() => new(
        PrefixCache,
        SessionCache,
        SpillToHost,
        MaxCachedSequences,
        CacheCells > 0 ? CacheCells : ContextSize / 2,
        SpillBudgetBytes,
        SpillPath is null ? 0 : SpillDiskBudgetBytes,
        SpillAfterIdle);

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal string EffectiveModelName => ModelName ?? Path.GetFileNameWithoutExtension(ModelPath);
}
