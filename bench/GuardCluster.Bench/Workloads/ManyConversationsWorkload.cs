using System.Globalization;
using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Engine.Scheduling;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// Workload 6: N conversations open at once, taking turns in random order (a chat product's traffic), each turn
/// checked as it arrives. With N large the conversations' KV branches cannot all stay in the context: they move to
/// host memory and to disk and come back when the conversation does. The baselines replay an evenly spaced sample of
/// the same stream (the naive baseline is stateless; the single-slot cache sees a stream of mostly unrelated prompts,
/// as it would in production); the engine's row for the same checks gives the ratios.
/// </summary>
public sealed class ManyConversationsWorkload : IWorkload
{
    public string Id => "w6";

    /// <summary>All turns of <paramref name="conversations"/> conversations, interleaved in a seeded random order.</summary>
    public static IReadOnlyList<BenchCheck> Checks(int conversations, int turns, int seed, string run)
    {
        var random = new Random(seed);
        var texts = Enumerable.Range(0, conversations).Select(c => new TextGenerator(seed * 131 + c, riskyShare: 0.05)).ToArray();
        var histories = Enumerable.Range(0, conversations).Select(_ => new List<ChatMessage>(turns)).ToArray();
        var open = Enumerable.Range(0, conversations).ToList();
        var checks = new List<BenchCheck>(conversations * turns);
        while (open.Count > 0)
        {
            var pick = random.Next(open.Count);
            var c = open[pick];
            var history = histories[c];
            history.Add(history.Count % 2 == 0 ? ChatMessage.User(texts[c].UserMessage()) : ChatMessage.Assistant(texts[c].AssistantMessage()));
            checks.Add(new BenchCheck(new Conversation([.. history]), SafetyPolicy.Default, "default", $"bench/{run}/many-{conversations}-{c}"));
            if (history.Count == turns)
            {
                open.RemoveAt(pick);
            }
        }

        return checks;
    }

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var run = Guid.NewGuid().ToString("N")[..8];
        var warmUp = ConversationsWorkload.WarmUpChecks(o.Seed);
        await Runner.WarmUpAsync(context.EngineSystem, warmUp);

        var rows = new List<ReportRow>();
        var notes = new List<string>();
        var targets = new List<TargetCheck>();
        for (var i = 0; i < o.ManyConversations.Count; i++)
        {
            var n = o.ManyConversations[i];
            var turns = o.ManyTurns[Math.Min(i, o.ManyTurns.Count - 1)];
            var checks = Checks(n, turns, o.Seed + n, run);
            var sample = Sample(checks.Count, o.ManyBaselineChecks);
            var sampled = sample.Select(s => checks[s]).ToArray();

            var naive = await Runner.BaselineAsync(new NaiveClassifier(context.BaselineWeights, context.BaselineSettings), warmUp, sampled, context.Output);
            var singleSlot = await Runner.BaselineAsync(new SingleSlotPrefixCache(context.BaselineWeights, context.BaselineSettings), warmUp, sampled, context.Output);

            var stats = context.Engine.CacheStatistics;
            var before = Snapshot(stats);
            var engine = await Runner.SequentialAsync(context.EngineSystem, checks, context.Output, $"GuardCluster engine, N = {n}");
            var after = Snapshot(stats);
            var engineSample = new SystemRun($"GuardCluster engine (same {sampled.Length} checks)", [.. sample.Select(s => engine.Results[s])]);

            var label = $"N = {n}, {turns} turns: naive LLamaSharp ({sampled.Length} sampled checks)";
            rows.Add(ReportRow.From(naive with { System = label }, naive, naive));
            rows.Add(ReportRow.From(singleSlot, naive, naive));
            rows.Add(ReportRow.From(engineSample, naive, naive));
            rows.Add(ReportRow.From(engine with { System = $"GuardCluster engine (all {checks.Count} checks)" }, null, null) with { Verdicts = "-" });
            var vsSingle = singleSlot.RequestsPerSecond > 0 ? engineSample.RequestsPerSecond / singleSlot.RequestsPerSecond : 0;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"N = {n}: KV branches {after.Hits - before.Hits} hits, {after.Misses - before.Misses} misses; spills {after.Spills - before.Spills} ({after.DiskSpills - before.DiskSpills} to disk), "
                + $"restores {after.Restores - before.Restores} ({after.DiskRestores - before.DiskRestores} from disk), drops {after.Drops - before.Drops}, discards {after.Discards - before.Discards}; "
                + $"spilled now {after.MemoryBytes / 1048576.0:0} MiB in memory, {after.DiskBytes / 1048576.0:0} MiB on disk; ×single-slot {vsSingle:0.00}; longest prompt {engine.Results.Max(r => r.PromptTokens)} tokens"));
            var goal = n >= 256 ? 2.0 : n >= 64 ? 3.0 : 0;
            if (goal > 0)
            {
                targets.Add(new TargetCheck($"{n} conversations ({turns} turns) vs naive (throughput)", engineSample.RequestsPerSecond / naive.RequestsPerSecond, goal, true, "×"));
            }
        }

        return new WorkloadReport(
            Id,
            string.Create(CultureInfo.InvariantCulture, $"many conversations taking turns in random order (N = {string.Join(", ", o.ManyConversations)}), each turn checked, one check at a time"),
            "naive LLamaSharp",
            rows,
            [.. notes, $"engine KV: {context.Engine.Options.CacheCells} cells for cached branches (0 = half the context), {context.Engine.Options.SpillBudgetBytes / 1048576} MiB host memory, {context.Engine.Options.SpillDiskBudgetBytes / 1048576} MiB disk at {context.Engine.Options.SpillPath}"],
            targets);
    }

    /// <summary><paramref name="count"/> evenly spaced indexes (all of them when there are fewer).</summary>
    private static int[] Sample(int total, int count)
    {
        if (count <= 0 || count >= total)
        {
            return [.. Enumerable.Range(0, total)];
        }

        return [.. Enumerable.Range(0, count).Select(i => (int)((long)i * total / count) + (total / count / 2)).Select(i => Math.Min(i, total - 1)).Distinct()];
    }

    private static CacheSnapshot Snapshot(KvCacheStatistics s) =>
        new(s.BranchHits, s.BranchMisses, s.Spills, s.DiskSpills, s.Restores, s.DiskRestores, s.Drops, s.SpillDiscards, s.MemorySpilledBytes, s.DiskSpilledBytes);

    private sealed record CacheSnapshot(long Hits, long Misses, long Spills, long DiskSpills, long Restores, long DiskRestores, long Drops, long Discards, long MemoryBytes, long DiskBytes);
}
