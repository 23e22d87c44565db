using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Setup;
using GuardCluster.Bench.Systems;
using GuardCluster.Engine;
using LLama;

namespace GuardCluster.Bench;

/// <summary>
/// What the workloads share: options, the model, the engine under test, and one memory-mapped
/// <see cref="LLamaWeights"/> for the baselines (each baseline gets its own context with the engine's parameters).
/// </summary>
public sealed class BenchContext(BenchOptions options, BenchModel model, LlamaGuardEngine engine, LLamaWeights? baselineWeights, TextWriter output)
{
    public BenchOptions Options => options;

    public BenchModel Model => model;

    public LlamaGuardEngine Engine => engine;

    public EngineSystem EngineSystem { get; } = new(engine);

    public TextWriter Output => output;

    public BaselineSettings BaselineSettings { get; } = new(
        model.Path,
        engine.Options.ContextSize,
        engine.Options.BatchSize,
        engine.Options.UBatchSize,
        options.EffectiveThreads,
        engine.Options.FlashAttention,
        engine.Options.MaxNewTokens);

    public LLamaWeights BaselineWeights => baselineWeights ?? throw new InvalidOperationException("baseline weights were not loaded");

    /// <summary>Engine options for a run: the engine defaults with this run's threads, KV size and flash attention.</summary>
    public static EngineOptions EngineOptionsFor(BenchOptions options, string modelPath) => new()
    {
        ModelPath = modelPath,
        ContextSize = options.ContextSize,
        Threads = options.EffectiveThreads,
        FlashAttention = options.FlashAttention,
        FastVerdict = options.FastVerdict,
        MaxNewTokens = options.MaxNewTokens,
        PrefixCache = options.PrefixCache,
        SessionCache = options.SessionCache,

        // Enough slots for the largest caller count, so workload 4 measures batching rather than queueing.
        MaxSequences = Math.Max(Math.Max(8, options.NoisyInFlight + 1), options.Callers.Max()),

        // Conversation branches that leave the context go to memory, then to this folder (workload 6 needs it).
        SpillPath = options.SpillPath ?? Path.Combine(Path.GetTempPath(), "guardcluster-bench-spill"),
    };
}
