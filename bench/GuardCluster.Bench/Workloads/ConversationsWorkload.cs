using System.Globalization;
using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// Workload 2: conversations alternating user/assistant, checked after every turn (turn k checks messages 1..k,
/// so the checked role, and with it the prompt's first line, alternates). The engine gets a session key per
/// conversation; the baselines replay the first conversations only, because they are slow.
/// </summary>
public sealed class ConversationsWorkload : IWorkload
{
    public string Id => "w2";

    /// <summary>Checks in conversation order; <paramref name="run"/> makes session keys unique per run.</summary>
    public static IReadOnlyList<BenchCheck> Checks(int conversations, int turns, int seed, string run)
    {
        var checks = new List<BenchCheck>(conversations * turns);
        for (var c = 0; c < conversations; c++)
        {
            var text = new TextGenerator(seed * 31 + c, riskyShare: 0.05);
            var messages = new List<ChatMessage>(turns);
            for (var t = 0; t < turns; t++)
            {
                messages.Add(t % 2 == 0 ? ChatMessage.User(text.UserMessage()) : ChatMessage.Assistant(text.AssistantMessage()));
                checks.Add(new BenchCheck(new Conversation([.. messages]), SafetyPolicy.Default, "default", $"bench/{run}/conversation-{c}"));
            }
        }

        return checks;
    }

    public static IReadOnlyList<BenchCheck> WarmUpChecks(int seed)
    {
        var text = new TextGenerator(seed + 2000, riskyShare: 0);
        var user = ChatMessage.User(text.UserMessage());
        return
        [
            new BenchCheck(new Conversation([user]), SafetyPolicy.Default, "default"),
            new BenchCheck(new Conversation([user, ChatMessage.Assistant(text.AssistantMessage())]), SafetyPolicy.Default, "default"),
        ];
    }

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var run = Guid.NewGuid().ToString("N")[..8];
        var checks = Checks(o.Conversations, o.Turns, o.Seed, run);
        var replayed = checks.Take(o.BaselineConversations * o.Turns).ToArray();
        // Steady state of a tenant that checks conversations: a prompt check and a response check have been seen
        // before (for the engine, both role words' policy headers are cached). Neither is part of the workload.
        var warmUp = WarmUpChecks(o.Seed);

        var naive = await Runner.BaselineAsync(new NaiveClassifier(context.BaselineWeights, context.BaselineSettings), warmUp, replayed, context.Output);

        var singleSlot = await Runner.BaselineAsync(new SingleSlotPrefixCache(context.BaselineWeights, context.BaselineSettings), warmUp, replayed, context.Output);

        // node-llama-cpp with one context sequence per conversation (its caller), each with automatic prefix reuse.
        var peer = await Runner.PeerAsync(context, warmUp, replayed, PeerNotes.Name);

        await Runner.WarmUpAsync(context.EngineSystem, warmUp);
        var stats = context.Engine.CacheStatistics;
        long hits = stats.BranchHits, misses = stats.BranchMisses, spills = stats.Spills, restores = stats.Restores, drops = stats.Drops;
        var extendedBefore = stats.PreExtendedTokens;
        var engine = await Runner.SequentialAsync(context.EngineSystem, checks, context.Output);
        var cacheNote = $"engine KV branches: {stats.BranchHits - hits} hits, {stats.BranchMisses - misses} misses, {stats.Spills - spills} spills, {stats.Restores - restores} restores, {stats.Drops - drops} drops; "
            + $"{stats.PreExtendedTokens - extendedBefore} tokens prefilled by idle extension in the gaps between checks (their time counts: a check waits for the step in flight)";
        var engineReplayed = engine.Take(replayed.Length, $"{engine.System} (same {o.BaselineConversations} conv.)");

        // A chat pauses between turns (the assistant writes, the user reads and types). The engine then extends each
        // conversation's other role branch while idle, so a turn prefills only its own message and the prompt's end.
        SystemRun? paced = null;
        long preExtended = 0;
        if (o.ThinkMs > 0)
        {
            var before = stats.PreExtendedTokens;
            var pacedChecks = Checks(o.BaselineConversations, o.Turns, o.Seed, run + "-paced");
            paced = await Runner.SequentialAsync(
                context.EngineSystem, pacedChecks, context.Output, $"{engine.System}, {o.ThinkMs} ms between turns", TimeSpan.FromMilliseconds(o.ThinkMs));
            preExtended = stats.PreExtendedTokens - before;
        }

        var rows = new List<ReportRow>
        {
            ReportRow.From(naive, naive, naive),
            ReportRow.From(singleSlot, naive, naive),
        };
        if (peer is { } p)
        {
            rows.Add(ReportRow.From(p.Run, naive, naive));
        }

        var engineRow = ReportRow.From(engineReplayed, naive, naive);
        rows.Add(engineRow);
        if (paced is not null)
        {
            // Latency per check is comparable with the baselines (measured back to back); throughput is not.
            rows.Add(ReportRow.From(paced, null, naive) with { MedianRatio = naive.Median / paced.Median });
        }

        if (o.Conversations > o.BaselineConversations)
        {
            rows.Add(ReportRow.From(engine with { System = $"{engine.System} (all {o.Conversations} conv.)" }, null, null) with { Verdicts = "-" });
        }

        var vsSingleSlot = engineReplayed.RequestsPerSecond / singleSlot.RequestsPerSecond;
        return new WorkloadReport(
            Id,
            string.Create(CultureInfo.InvariantCulture, $"conversations: {o.Turns} turns, checked after every turn ({o.Conversations} conv. for GuardCluster, first {o.BaselineConversations} for the baselines)"),
            naive.System,
            rows,
            [
                string.Create(CultureInfo.InvariantCulture, $"GuardCluster vs single-slot prefix cache: {vsSingleSlot:0.00}× throughput, {singleSlot.Median / engineReplayed.Median:0.00}× median"),
                string.Create(CultureInfo.InvariantCulture, $"last-turn prompt: {engine.Results[^1].PromptTokens} tokens"),
                cacheNote,
                .. peer is { } pr
                    ? new[] { $"peer: {pr.Description} (one sequence per conversation)", PeerNotes.VersusPeer(engineReplayed, pr.Run) }
                    : [],
                .. paced is null
                    ? Array.Empty<string>()
                    : [string.Create(CultureInfo.InvariantCulture, $"paced run: {preExtended} tokens prefilled into idle branches between turns (not counted as prefilled per check); its req/s counts check time only")],
            ],
            [
                new TargetCheck($"{o.Turns}-turn conversations vs naive (throughput)", engineRow.ThroughputRatio ?? 0, 4, true, "×"),
                new TargetCheck($"{o.Turns}-turn conversations vs single-slot cache (throughput)", vsSingleSlot, 3, true, "×"),
            ]);
    }
}
