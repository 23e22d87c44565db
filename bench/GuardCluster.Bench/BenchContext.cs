using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Setup;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Prompting;
using GuardCluster.Engine;
using GuardCluster.Engine.Tokenization;
using LLama;

namespace GuardCluster.Bench;

/// <summary>
/// What the workloads share: options, the model, the engine under test, and one memory-mapped
/// <see cref="LLamaWeights"/> for the baselines (each baseline gets its own context with the engine's parameters).
/// </summary>
public sealed class BenchContext(BenchOptions options, BenchModel model, LlamaGuardEngine engine, LLamaWeights? baselineWeights, TextWriter output, PeerSetup? peer = null)
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

    /// <summary>The node-llama-cpp peer, or null when it is skipped (<c>--no-peer</c>, no node/npm).</summary>
    public PeerSetup? Peer => peer;

    /// <summary>
    /// Starts the peer for one workload: one context sequence per distinct caller of <paramref name="checks"/>
    /// (session key, else tenant). node-llama-cpp gives every sequence its own cells: the engine's KV cells are split
    /// between them, unless the longest prompt plus the answer cap would not fit; then each sequence gets that much
    /// (a sequence that overflows would shift its context and change the prompt).
    /// </summary>
    public Task<PeerSystem> StartPeerAsync(IReadOnlyCollection<BenchCheck> checks, string name, bool fresh = false)
    {
        var setup = peer ?? throw new InvalidOperationException("the peer is not available");
        var callers = Math.Max(1, checks.Select(c => c.SessionKey ?? c.Tenant).Distinct(StringComparer.Ordinal).Count());
        var longest = checks.Max(c => _tokenizer.Value.Tokenize(LlamaGuardPrompt.Render(c.Conversation, c.Policy)).Length);
        var perSequence = Math.Max(BaselineSettings.ContextSize / callers, longest + BaselineSettings.MaxNewTokens + 1);
        return PeerSystem.StartAsync(setup, BaselineSettings, _tokenizer.Value, callers, perSequence, name, fresh);
    }

    private readonly Lazy<GuardTokenizer> _tokenizer = new(() => new GuardTokenizer(baselineWeights ?? throw new InvalidOperationException("baseline weights were not loaded")));

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
