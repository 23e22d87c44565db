using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cli.Evaluation;

/// <summary>
/// Pure metric computation for <c>guardctl eval</c>.
/// <list type="bullet">
/// <item>Overall: positive = unsafe. Indeterminate predictions are counted separately, not as safe or unsafe.</item>
/// <item>AUPRC: average precision of <c>unsafe_probability</c> over every example that has one (indeterminate
/// included), so it does not depend on the decision threshold.</item>
/// <item>Per category c: positive = "c is among the codes". Only determinate examples whose categories are known
/// (safe ones, and unsafe ones with expected categories) take part; a safe prediction names no codes.</item>
/// </list>
/// </summary>
public static class EvalMetrics
{
    public static EvalReport Compute(IReadOnlyList<ScoredExample> examples)
    {
        var overall = default(ConfusionCounts);
        int indeterminateUnsafe = 0, indeterminateSafe = 0;
        foreach (var example in examples)
        {
            if (example.Predicted.Outcome == VerdictOutcome.Indeterminate)
            {
                _ = example.Expected.IsUnsafe ? indeterminateUnsafe++ : indeterminateSafe++;
                continue;
            }

            overall = overall.Add(example.Expected.IsUnsafe, example.Predicted.Outcome == VerdictOutcome.Unsafe);
        }

        var scored = examples
            .Where(e => e.Predicted.UnsafeProbability.HasValue)
            .Select(e => (e.Predicted.UnsafeProbability!.Value, e.Expected.IsUnsafe))
            .ToList();

        return new EvalReport(
            examples.Count,
            new BinaryMetrics(overall, AveragePrecision.Compute(scored), scored.Count),
            new IndeterminateCounts(indeterminateUnsafe, indeterminateSafe),
            PerCategory(examples),
            examples.Count(e => e.Expected.IsUnsafe && e.Expected.Categories.Count == 0));
    }

    private static List<CategoryMetrics> PerCategory(IReadOnlyList<ScoredExample> examples)
    {
        var population = examples
            .Where(e => e.Predicted.Outcome != VerdictOutcome.Indeterminate)
            .Where(e => !e.Expected.IsUnsafe || e.Expected.Categories.Count > 0)
            .ToList();

        var codes = population
            .SelectMany(e => e.Expected.Categories.Concat(PredictedCodes(e.Predicted)))
            .Distinct(StringComparer.Ordinal)
            .Order(CategoryCodeComparer.Instance);

        return
        [
            .. codes.Select(code => new CategoryMetrics(
                code,
                population.Aggregate(default(ConfusionCounts), (counts, e) => counts.Add(
                    e.Expected.Categories.Contains(code, StringComparer.Ordinal),
                    PredictedCodes(e.Predicted).Contains(code, StringComparer.Ordinal))))),
        ];
    }

    private static IEnumerable<string> PredictedCodes(EvalPrediction prediction) =>
        prediction.Outcome == VerdictOutcome.Unsafe ? prediction.Categories : [];
}
