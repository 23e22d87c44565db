using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// Workload 3: single checks from 4 tenants with different policies, interleaved round-robin, so consecutive
/// prompts have different headers (a single-slot cache keeps losing its prefix; per-policy caches do not).
/// </summary>
public sealed class MixedTenantsWorkload : IWorkload
{
    public string Id => "w3";

    public static IReadOnlyList<BenchCheck> Checks(int count, int seed)
    {
        var text = new TextGenerator(seed * 7 + 3);
        var tenants = TenantPolicies.All;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var (tenant, policy) = tenants[i % tenants.Count];
            return new BenchCheck(new Conversation([ChatMessage.User(text.UserMessage())]), policy, tenant);
        })];
    }

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        foreach (var (_, policy) in TenantPolicies.All)
        {
            PolicyValidator.Validate(policy);
        }

        var o = context.Options;
        var checks = Checks(o.Mixed, o.Seed);
        var warmUp = SingleChecksWorkload.Checks(1, o.Seed + 3000);

        var naive = await Runner.BaselineAsync(new NaiveClassifier(context.BaselineWeights, context.BaselineSettings), warmUp, checks, context.Output);

        var singleSlot = await Runner.BaselineAsync(new SingleSlotPrefixCache(context.BaselineWeights, context.BaselineSettings), warmUp, checks, context.Output);

        // node-llama-cpp with one context sequence per tenant (its caller), each with automatic prefix reuse.
        var peer = await Runner.PeerAsync(context, warmUp, checks, PeerNotes.Name);

        await Runner.WarmUpAsync(context.EngineSystem, warmUp);
        var engine = await Runner.SequentialAsync(context.EngineSystem, checks, context.Output);

        var overrides = engine.Results.Count(r => r.ThresholdOverride);
        var rows = new List<ReportRow> { ReportRow.From(naive, naive, naive), ReportRow.From(singleSlot, naive, naive) };
        var notes = new List<string>
        {
            "warm-up: one unmeasured default-policy check per system; the other tenants' headers are cached on first use",
            $"threshold-0.3 tenant: {overrides} verdict(s) changed by the threshold (not compared with the greedy baselines)",
        };
        if (peer is { } p)
        {
            rows.Add(ReportRow.From(p.Run, naive, naive));
            notes.Add($"peer: {p.Description} (one sequence per tenant)");
            notes.Add(PeerNotes.VersusPeer(engine, p.Run));
        }

        rows.Add(ReportRow.From(engine, naive, naive));
        return new WorkloadReport(
            Id,
            $"mixed tenants: {checks.Count} single checks round-robin over {TenantPolicies.All.Count} policies ({string.Join(", ", TenantPolicies.All.Select(t => t.Tenant))})",
            naive.System,
            rows,
            notes,
            []);
    }
}
