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

    internal Scheduling.KvCacheOptions ToKvCacheOptions() => new(
        PrefixCache,
        SessionCache,
        SpillToHost,
        MaxCachedSequences,
        CacheCells > 0 ? CacheCells : ContextSize / 2,
        SpillBudgetBytes,
        SpillAfterIdle);

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal string EffectiveModelName => ModelName ?? Path.GetFileNameWithoutExtension(ModelPath);
}
