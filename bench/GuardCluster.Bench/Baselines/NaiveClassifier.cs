using System.Diagnostics;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Prompting;
using LLama;

namespace GuardCluster.Bench.Baselines;

/// <summary>
/// The model card's way, on plain LLamaSharp: for every request clear the KV cache, render and tokenize the full
/// prompt, prefill all of it, greedy-decode to <c>&lt;|eot_id|&gt;</c>. One request at a time.
/// </summary>
public sealed class NaiveClassifier(LLamaWeights weights, BaselineSettings settings) : IGuardSystem, IDisposable
{
    private readonly GreedyRunner _runner = new(weights, settings);

    public string Name => "naive LLamaSharp";

    public Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var tokens = _runner.Tokenizer.Tokenize(LlamaGuardPrompt.Render(check.Conversation, check.Policy));
        // Forget the previous prompt's cells (as node-llama-cpp's clearHistory and llama-server do). MemoryClear(true)
        // would also zero the whole KV buffer (8192 cells × 32 KB on the 1B shape: 268 MB of memset per check).
        _runner.Context.NativeHandle.MemoryClear(false);
        var (raw, generated, prefillMs) = _runner.Run(tokens, 0);
        return Task.FromResult(new CheckResult(watch.Elapsed.TotalMilliseconds, tokens.Length, tokens.Length, raw, CompletionTokens: generated, PrefillMs: prefillMs));
    }

    public void Dispose() => _runner.Dispose();
}
