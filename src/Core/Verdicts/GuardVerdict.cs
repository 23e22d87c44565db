namespace GuardCluster.Core.Verdicts;

public sealed record CategoryRef(string Code, string Name);

public sealed record TokenUsage(int PromptTokens, int CachedTokens, int CompletionTokens);

public sealed record VerdictTimings(double QueueMs, double PrefillMs, double DecodeMs)
{
    public double TotalMs => QueueMs + PrefillMs + DecodeMs;
}

/// <summary>The result of one classification.</summary>
public sealed record GuardVerdict(
    VerdictOutcome Outcome,
    IReadOnlyList<CategoryRef> Categories,
    double? UnsafeProbability,
    IReadOnlyDictionary<string, double>? CategoryScores,
    IReadOnlyList<string> Warnings,
    string RawOutput,
    TokenUsage Usage,
    VerdictTimings Timings,
    string Model)
{
    public bool IsSafe => Outcome == VerdictOutcome.Safe;
}
