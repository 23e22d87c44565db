using System.Diagnostics;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Prompting;
using LLama;
using LLama.Native;

namespace GuardCluster.Bench.Baselines;

/// <summary>
/// llama-server's <c>cache_prompt</c>: one sequence keeps the previous prompt's KV; a new prompt reuses the longest
/// common token prefix, the rest of the old KV is removed and only the remainder is prefilled. After decoding, the
/// generated tokens are removed again so the slot holds exactly the prompt. One request at a time.
/// </summary>
public sealed class SingleSlotPrefixCache(LLamaWeights weights, BaselineSettings settings) : IGuardSystem, IDisposable
{
    private readonly GreedyRunner _runner = new(weights, settings);
    private int[] _cached = [];

    public string Name => "single-slot prefix cache";

    public Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var tokens = _runner.Tokenizer.Tokenize(LlamaGuardPrompt.Render(check.Conversation, check.Policy));
        var common = CommonPrefix(_cached, tokens);

        // At least the last prompt token is evaluated again: its logits start the answer.
        var reuse = Math.Min(common, tokens.Length - 1);
        var handle = _runner.Context.NativeHandle;
        handle.MemorySequenceRemove((LLamaSeqId)0, reuse, -1);
        var (raw, generated, prefillMs) = _runner.Run(tokens, reuse);
        handle.MemorySequenceRemove((LLamaSeqId)0, tokens.Length, -1);
        _cached = tokens;
        return Task.FromResult(new CheckResult(watch.Elapsed.TotalMilliseconds, tokens.Length, tokens.Length - reuse, raw, CompletionTokens: generated, PrefillMs: prefillMs));
    }

    public void Dispose() => _runner.Dispose();

    private static int CommonPrefix(int[] a, int[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
