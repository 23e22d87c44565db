using System.Diagnostics;
using GuardCluster.Core;
using GuardCluster.Engine;

namespace GuardCluster.Bench.Systems;

/// <summary>GuardCluster's engine called in-process (no HTTP, no Orleans).</summary>
public sealed class EngineSystem(LlamaGuardEngine engine, string name = "GuardCluster engine") : IGuardSystem
{
    public string Name => name;

    public LlamaGuardEngine Engine => engine;

    public async Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var verdict = await engine.ClassifyAsync(
            new GuardRequest(check.Conversation, check.Policy, IncludeCategoryScores: true, check.SessionKey),
            cancellationToken).ConfigureAwait(false);
        var ms = watch.Elapsed.TotalMilliseconds;
        var usage = verdict.Usage;
        return new CheckResult(
            ms,
            usage.PromptTokens,
            usage.PromptTokens - usage.CachedTokens,
            verdict.RawOutput,
            verdict.Warnings.Contains("threshold_override"),
            usage.CompletionTokens);
    }
}
