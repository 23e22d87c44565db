using System.Globalization;

namespace GuardCluster.Bench.Reporting;

/// <summary>The lines each workload prints about the node-llama-cpp peer.</summary>
public static class PeerNotes
{
    public const string Name = "node-llama-cpp (peer)";

    public const string FreshName = "node-llama-cpp, no reuse";

    /// <summary>"GuardCluster ÷ peer: a× throughput, b× median".</summary>
    public static string VersusPeer(SystemRun engine, SystemRun peer) => string.Create(
        CultureInfo.InvariantCulture,
        $"GuardCluster ÷ peer: {engine.RequestsPerSecond / peer.RequestsPerSecond:0.00}× throughput, {peer.Median / engine.Median:0.00}× median ({engine.System} vs {peer.System})");

    /// <summary>
    /// Prefill cost per prompt token of the systems that report it: the summed time from the first prompt token to the
    /// first answer token ÷ the summed prefilled tokens (one greedy pick included; on the 1B model it is &lt; 0.1 ms).
    /// </summary>
    public static string? PerToken(params SystemRun?[] runs)
    {
        var parts = runs
            .Where(r => r is not null && r.Results.Count > 0 && r.Results.All(x => x.PrefillMs is not null))
            .Select(r => string.Create(
                CultureInfo.InvariantCulture,
                $"{r!.System} {r.Results.Sum(x => x.PrefillMs!.Value) / Math.Max(1, r.Results.Sum(x => x.PrefilledTokens)):0.000}"))
            .ToList();
        return parts.Count == 0 ? null : "prefill ms per prefilled token (time to first answer token ÷ prefilled tokens): " + string.Join(", ", parts);
    }
}
