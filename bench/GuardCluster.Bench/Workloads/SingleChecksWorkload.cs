using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Bench.Workloads;

/// <summary>Workload 1: different short user messages under one tenant policy, one at a time.</summary>
public sealed class SingleChecksWorkload : IWorkload
{
    public string Id => "w1";

    public static IReadOnlyList<BenchCheck> Checks(int count, int seed)
    {
        var text = new TextGenerator(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
            new BenchCheck(new Conversation([ChatMessage.User(text.UserMessage())]), SafetyPolicy.Default, "default"))];
    }

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var checks = Checks(o.Single, o.Seed);

        // Unmeasured: a different message each, so nothing about the measured prompts is cached beforehand.
        var warmUp = Checks(1, o.Seed + 1000);
        var naive = await Runner.BaselineAsync(new NaiveClassifier(context.BaselineWeights, context.BaselineSettings), warmUp, checks, context.Output);

        // The tool a user would pick instead: node-llama-cpp, first cleared before every check (its naive evaluation,
        // the per-token reference for the naive baseline), then as its users run it (one sequence, prefix reuse).
        var peerFresh = await Runner.PeerAsync(context, warmUp, checks, PeerNotes.FreshName, fresh: true);
        var peer = await Runner.PeerAsync(context, warmUp, checks, PeerNotes.Name);

        await Runner.WarmUpAsync(context.EngineSystem, warmUp);
        var engine = await Runner.SequentialAsync(context.EngineSystem, checks, context.Output);

        var rows = new List<ReportRow> { ReportRow.From(naive, naive, naive) };
        var notes = new List<string> { "warm-up: one unmeasured check per system (the tenant's policy header is cached in steady state)" };
        if (peerFresh is { } f)
        {
            rows.Add(ReportRow.From(f.Run, naive, naive));
        }

        if (peer is { } p)
        {
            rows.Add(ReportRow.From(p.Run, naive, naive));
            notes.Add($"peer: {p.Description}");
            notes.Add(PeerNotes.VersusPeer(engine, p.Run));
        }

        var engineRow = ReportRow.From(engine, naive, naive);
        rows.Add(engineRow);
        if (PeerNotes.PerToken(naive, peerFresh?.Run, peer?.Run) is { } perToken)
        {
            notes.Add(perToken);
        }

        return new WorkloadReport(
            Id,
            $"single checks: {checks.Count} different user messages, default policy, one at a time",
            naive.System,
            rows,
            notes,
            [new TargetCheck("single checks vs naive (throughput)", engineRow.ThroughputRatio ?? 0, 2.5, true, "×")]);
    }
}
