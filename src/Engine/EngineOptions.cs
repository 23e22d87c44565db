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

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal string EffectiveModelName => ModelName ?? Path.GetFileNameWithoutExtension(ModelPath);
}
