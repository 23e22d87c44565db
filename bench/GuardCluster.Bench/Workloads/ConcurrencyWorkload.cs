using System.Globalization;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// Workload 4: the engine under 1, 4 and 16 concurrent callers sending different single checks. Concurrent
/// requests share decode calls, so throughput should not drop as callers grow (reference: 1 caller).
/// </summary>
public sealed class ConcurrencyWorkload : IWorkload
{
    public string Id => "w4";

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var engine = context.EngineSystem;
        await Runner.WarmUpAsync(engine, SingleChecksWorkload.Checks(1, o.Seed + 4000));

        var runs = new List<(SystemRun Run, string Extra)>();
        foreach (var callers in o.Callers)
        {
            // Fresh messages per level: no level benefits from another level's prompts.
            var checks = SingleChecksWorkload.Checks(o.ConcurrencyRequests, o.Seed + (callers * 97));
            var before = context.Engine.Counters;
            var run = await Runner.ConcurrentAsync(engine, checks, callers, $"{engine.Name}, {callers} caller{(callers == 1 ? "" : "s")}");
            var after = context.Engine.Counters;
            runs.Add((run, BatchingNote(run, after.DecodeCalls - before.DecodeCalls, after.Tokens - before.Tokens)));
        }

        var reference = runs[0].Run;
        var rows = runs.Select(r => ReportRow.From(r.Run, reference, reference, r.Extra)).ToList();
        var last = rows[^1];
        return new WorkloadReport(
            Id,
            $"concurrency: {o.ConcurrencyRequests} different single checks per level, callers {string.Join("/", o.Callers)}, GuardCluster engine",
            reference.System,
            rows,
            [
                "seq/decode ≈ answer tokens ÷ decode calls (each sequence is in one decode call per answer token, plus prefill splits);",
                "  the engine counts decode calls and tokens only, so this is an estimate",
            ],
            [new TargetCheck($"throughput at {o.Callers[^1]} callers vs 1 caller", last.ThroughputRatio ?? 0, 1, true, "×")]);
    }

    private static string BatchingNote(SystemRun run, long decodeCalls, long tokens)
    {
        if (decodeCalls <= 0)
        {
            return string.Empty;
        }

        var answerTokens = run.Results.Sum(r => r.CompletionTokens);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{decodeCalls} decode calls, {(double)tokens / decodeCalls:0.0} tok/decode, seq/decode ≈ {(double)answerTokens / decodeCalls:0.00}");
    }
}
