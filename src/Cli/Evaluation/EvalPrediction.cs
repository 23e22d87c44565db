using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cli.Evaluation;

/// <summary>What the classifier said about one example, reduced to what the metrics need.</summary>
public sealed record EvalPrediction(VerdictOutcome Outcome, IReadOnlyList<string> Categories, double? UnsafeProbability)
{
    public static EvalPrediction FromVerdict(GuardVerdict verdict) =>
        new(verdict.Outcome, [.. verdict.Categories.Select(c => c.Code)], verdict.UnsafeProbability);
}

/// <summary>A label and the prediction made for it.</summary>
public sealed record ScoredExample(ExpectedLabel Expected, EvalPrediction Predicted);
