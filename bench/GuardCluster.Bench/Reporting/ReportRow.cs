namespace GuardCluster.Bench.Reporting;

/// <summary>
/// One table row. Speed-ups are relative to the workload's reference row: <see cref="ThroughputRatio"/> =
/// this req/s ÷ reference req/s, <see cref="MedianRatio"/> = reference median ÷ this median (both: higher is better).
/// </summary>
public sealed record ReportRow(
    string System,
    int Requests,
    double MedianMs,
    double P95Ms,
    double RequestsPerSecond,
    double PromptTokensPerRequest,
    double PrefilledTokensPerRequest,
    double AnswerTokensPerRequest,
    double? ThroughputRatio,
    double? MedianRatio,
    string Verdicts,
    string? Extra = null)
{
    public static ReportRow From(SystemRun run, SystemRun? reference, SystemRun? verdictReference, string? extra = null)
    {
        var verdicts = "reference";
        if (verdictReference is not null && !ReferenceEquals(verdictReference, run))
        {
            var (mismatches, compared) = run.CompareWith(verdictReference);
            verdicts = mismatches == 0 ? $"same {compared}/{compared}" : $"DIFF {mismatches}/{compared}";
        }

        return new ReportRow(
            run.System,
            run.Count,
            run.Median,
            run.P95,
            run.RequestsPerSecond,
            run.PromptPerRequest,
            run.PrefilledPerRequest,
            run.AnswerPerRequest,
            reference is null || reference.RequestsPerSecond == 0 ? null : run.RequestsPerSecond / reference.RequestsPerSecond,
            reference is null || run.Median == 0 ? null : reference.Median / run.Median,
            verdicts,
            extra);
    }
}
