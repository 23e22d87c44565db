using System.Globalization;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// Workload 7, "noisy neighbour": tenant B sends single checks one at a time, first alone, then while tenant A keeps
/// <see cref="BenchOptions.NoisyInFlight"/> long prompts in flight on the same engine. B's latency with A against
/// B alone, in the same run, shows whether the engine's fair sharing holds (target: median within 1.5×).
/// </summary>
public sealed class NoisyNeighbourWorkload : IWorkload
{
    public string Id => "w7";

    public static IReadOnlyList<BenchCheck> QuietChecks(int count, int seed)
    {
        var text = new TextGenerator(seed + 7000);
        return [.. Enumerable.Range(0, count).Select(_ => new BenchCheck(new Conversation([ChatMessage.User(text.UserMessage())]), SafetyPolicy.Default, "tenant-b"))];
    }

    /// <summary>A long prompt: several assistant-sized paragraphs in one user message.</summary>
    public static BenchCheck NoisyCheck(TextGenerator text, int words)
    {
        var parts = new List<string>();
        while (parts.Sum(p => p.Split(' ').Length) < words)
        {
            parts.Add(text.AssistantMessage());
        }

        return new BenchCheck(new Conversation([ChatMessage.User(string.Join(' ', parts))]), SafetyPolicy.Default, "tenant-a");
    }

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var system = new EngineSystem(context.Engine, "GuardCluster engine", asTenants: true);
        var quiet = QuietChecks(o.NoisyChecks, o.Seed);
        await Runner.WarmUpAsync(system, QuietChecks(1, o.Seed + 1));

        var alone = await Runner.SequentialAsync(system, quiet, context.Output, "tenant B alone");

        // Tenant A: NoisyInFlight callers, each sending its next long prompt as soon as the previous one is answered.
        using var stop = new CancellationTokenSource();
        var noisyDone = 0;
        long noisyPrompt = 0;
        var callers = Enumerable.Range(0, o.NoisyInFlight).Select(c => Task.Run(async () =>
        {
            var text = new TextGenerator(o.Seed * 17 + c, riskyShare: 0.1);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var result = await system.CheckAsync(NoisyCheck(text, o.NoisyWords), stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref noisyDone);
                    Interlocked.Add(ref noisyPrompt, result.PromptTokens);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        })).ToArray();

        // Let A's backlog build up (every caller in flight) before B starts.
        await Task.Delay(TimeSpan.FromSeconds(o.Quick ? 0.5 : 3));
        var aStarted = noisyDone;
        var aTokensStarted = Interlocked.Read(ref noisyPrompt);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var shared = await Runner.SequentialAsync(system, quiet, context.Output, $"tenant B while A keeps {o.NoisyInFlight} long prompts in flight");
        var seconds = watch.Elapsed.TotalSeconds;
        var aDuring = noisyDone - aStarted;
        var aTokens = Interlocked.Read(ref noisyPrompt) - aTokensStarted;
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        var ratio = shared.Median / alone.Median;
        var rows = new List<ReportRow>
        {
            ReportRow.From(alone, alone, alone),
            ReportRow.From(shared, alone, alone) with { ThroughputRatio = null },
        };
        return new WorkloadReport(
            Id,
            string.Create(CultureInfo.InvariantCulture, $"noisy neighbour: tenant B's {quiet.Count} single checks, alone and while tenant A keeps {o.NoisyInFlight} prompts of ~{o.NoisyWords} words in flight"),
            alone.System,
            rows,
            [
                string.Create(CultureInfo.InvariantCulture, $"tenant B with A: median {ratio:0.00}× alone, p95 {shared.P95 / alone.P95:0.00}× alone"),
                string.Create(CultureInfo.InvariantCulture, $"tenant A meanwhile: {aDuring} prompts answered in {seconds:0.0} s ({aTokens / Math.Max(seconds, 0.001):0} prompt tok/s of answered prompts; A is slowed, not starved)"),
                string.Create(CultureInfo.InvariantCulture, $"engine: {context.Engine.Options.SharedStepTokens} prompt tokens per step for the heavier tenant while both are active, batch {context.Engine.Options.BatchSize}"),
            ],
            [new TargetCheck("tenant B's median with a noisy neighbour ÷ alone", ratio, 1.5, false, "×")]);
    }
}
