using System.Diagnostics;
using GuardCluster.Core;
using GuardCluster.Engine;

namespace GuardCluster.Bench.Systems;

/// <summary>
/// GuardCluster's engine called in-process (no HTTP, no Orleans). With <paramref name="asTenants"/> each check is
/// attributed to its <see cref="BenchCheck.Tenant"/> (the engine then shares steps and queues between tenants, as the
/// gateway makes it); otherwise every check is one unattributed caller's.
/// </summary>
public sealed class EngineSystem(LlamaGuardEngine engine, string name = "GuardCluster engine", bool asTenants = false) : IGuardSystem
{
    public string Name => name;

    public LlamaGuardEngine Engine => engine;

    public async Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var verdict = await engine.ClassifyAsync(
            new GuardRequest(check.Conversation, check.Policy, IncludeCategoryScores: true, check.SessionKey, asTenants ? check.Tenant : null),
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
