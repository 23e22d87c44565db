using LLama.Common;

namespace GuardCluster.Bench.Baselines;

/// <summary>
/// Context parameters the baselines share with the engine (threads, batch sizes, flash attention, KV size), so a
/// ratio measures the caching and batching, not a different llama.cpp configuration.
/// </summary>
public sealed record BaselineSettings(string ModelPath, int ContextSize, int BatchSize, int UBatchSize, int Threads, bool FlashAttention, int MaxNewTokens)
{
    public ModelParams ContextParams() => new(ModelPath)
    {
        ContextSize = (uint)ContextSize,
        BatchSize = (uint)BatchSize,
        UBatchSize = (uint)Math.Min(UBatchSize, BatchSize),
        SeqMax = 1,
        Threads = Threads,
        BatchThreads = Threads,
        FlashAttention = FlashAttention,
        GpuLayerCount = 0,
    };
}
