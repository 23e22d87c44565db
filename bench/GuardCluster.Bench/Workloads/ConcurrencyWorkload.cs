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

        // The same messages at every level, so each level's answers can be checked against the first level's:
        // batching must not change a verdict. (Single checks carry no session key, so nothing but the policy
        // header is cached between levels.)
        var checks = SingleChecksWorkload.Checks(o.ConcurrencyRequests, o.Seed + 4);
        var runs = new List<(SystemRun Run, string Extra)>();
        foreach (var callers in o.Callers)
        {
            var before = context.Engine.Counters;
            var sequencesBefore = context.Engine.SequencesDecoded;
            var run = await Runner.ConcurrentAsync(engine, checks, callers, $"{engine.Name}, {callers} caller{(callers == 1 ? "" : "s")}");
            var after = context.Engine.Counters;
            var sequences = context.Engine.SequencesDecoded - sequencesBefore;
            var calls = after.DecodeCalls - before.DecodeCalls;

            runs.Add((run, BatchingNote(calls, after.Tokens - before.Tokens, sequences)));
        }

        var reference = runs[0].Run;
        var rows = runs.Select(r => ReportRow.From(r.Run, reference, reference, r.Extra)).ToList();
        var last = rows[^1];
        return new WorkloadReport(
            Id,
            $"concurrency: the same {o.ConcurrencyRequests} single checks at each level, callers {string.Join("/", o.Callers)}, GuardCluster engine",
            reference.System,
            rows,
            [
                "seq/decode: sequences (prefilling or decoding) carried per llama.cpp decode call, counted by the engine's scheduler",
            ],
            [new TargetCheck($"throughput at {o.Callers[^1]} callers vs 1 caller", last.ThroughputRatio ?? 0, 1, true, "×")]);
    }

    private static string BatchingNote(long decodeCalls, long tokens, long sequences) =>
        decodeCalls <= 0
            ? string.Empty
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{decodeCalls} decode calls, {(double)tokens / decodeCalls:0.0} tok/decode, {(double)sequences / decodeCalls:0.00} seq/decode");
}
