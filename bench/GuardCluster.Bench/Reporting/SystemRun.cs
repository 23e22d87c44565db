using GuardCluster.Bench.Systems;

namespace GuardCluster.Bench.Reporting;

/// <summary>
/// Every check one system did in one workload. <see cref="WallSeconds"/> is set for concurrent runs; sequential
/// runs use the sum of latencies, so a subset of a run (the conversations the baselines replayed) stays comparable.
/// </summary>
public sealed record SystemRun(string System, IReadOnlyList<CheckResult> Results, double? WallSeconds = null)
{
    public int Count => Results.Count;

    public double Median => Percentile(0.5);

    public double P95 => Percentile(0.95);

    public double Seconds => WallSeconds ?? Results.Sum(r => r.Milliseconds) / 1000.0;

    public double RequestsPerSecond => Count == 0 || Seconds <= 0 ? 0 : Count / Seconds;

    public double PrefilledPerRequest => Count == 0 ? 0 : Results.Average(r => r.PrefilledTokens);

    public double AnswerPerRequest => Count == 0 ? 0 : Results.Average(r => r.CompletionTokens);

    public double PromptPerRequest => Count == 0 ? 0 : Results.Average(r => r.PromptTokens);

    public SystemRun Take(int count, string? name = null) => new(name ?? System, [.. Results.Take(count)]);

    /// <summary>Linear interpolation between closest ranks.</summary>
    public double Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var sorted = Results.Select(r => r.Milliseconds).Order().ToArray();
        var rank = q * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    /// <summary>Checks whose answer text differs from the reference run's answer to the same check (threshold overrides excluded).</summary>
    public (int Mismatches, int Compared) CompareWith(SystemRun reference)
    {
        var n = Math.Min(Count, reference.Count);
        var compared = 0;
        var mismatches = 0;
        for (var i = 0; i < n; i++)
        {
            if (Results[i].ThresholdOverride || reference.Results[i].ThresholdOverride)
            {
                continue;
            }

            compared++;
            if (!string.Equals(Results[i].RawOutput, reference.Results[i].RawOutput, StringComparison.Ordinal))
            {
                mismatches++;
            }
        }

        return (mismatches, compared);
    }
}
