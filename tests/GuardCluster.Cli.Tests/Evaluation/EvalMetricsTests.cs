using GuardCluster.Cli.Evaluation;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cli.Tests.Evaluation;

public sealed class EvalMetricsTests
{
    // A hand-built set covering every cell; the expected numbers below are worked out in the comments.
    private static readonly ScoredExample[] Examples =
    [
        Ex(ExpectedLabel.Unsafe("S1"), Unsafe(0.95, "S1")),        // 1 overall TP; S1 TP
        Ex(ExpectedLabel.Unsafe("S1", "S10"), Unsafe(0.8, "S10")), // 2 overall TP; S1 FN; S10 TP
        Ex(ExpectedLabel.Unsafe("S2"), Safe(0.3)),                 // 3 overall FN; S2 FN
        Ex(ExpectedLabel.Safe, Unsafe(0.6, "S1")),                 // 4 overall FP; S1 FP
        Ex(ExpectedLabel.Safe, Safe(0.1)),                         // 5 TN
        Ex(ExpectedLabel.Safe, Safe(0.2)),                         // 6 TN
        Ex(ExpectedLabel.Unsafe(), Unsafe(0.7, "S9")),             // 7 overall TP; no categories → not per-category
        Ex(ExpectedLabel.Unsafe("S2"), Indeterminate(0.5)),        // 8 indeterminate (unsafe); still ranked for AUPRC
        Ex(ExpectedLabel.Safe, Indeterminate(null)),               // 9 indeterminate (safe); no score
    ];

    [Fact]
    public void Overall_confusion_and_ratios()
    {
        var report = EvalMetrics.Compute(Examples);

        Assert.Equal(9, report.Examples);
        Assert.Equal(new ConfusionCounts(3, 1, 2, 1), report.Overall.Counts);
        Assert.Equal(0.75, report.Overall.Counts.Precision);
        Assert.Equal(0.75, report.Overall.Counts.Recall);
        Assert.Equal(0.75, report.Overall.Counts.F1);
        Assert.Equal(1.0 / 3.0, report.Overall.Counts.FalsePositiveRate!.Value, 12);
        Assert.Equal(new IndeterminateCounts(1, 1), report.Indeterminate);
        Assert.Equal(1, report.UnsafeWithoutCategories);
    }

    [Fact]
    public void Auprc_ranks_every_scored_example()
    {
        // Scores (label): .95+ .8+ .7+ .6− .5+ .3+ .2− .1−, 5 positives.
        // Recall steps of .2 at precisions 1, 1, 1, .8 (4/5), 5/6 → AP = .6 + .16 + 1/6.
        var report = EvalMetrics.Compute(Examples);

        Assert.Equal(8, report.Overall.ScoredExamples);
        Assert.Equal(0.6 + 0.16 + (1.0 / 6.0), report.Overall.Auprc!.Value, 12);
    }

    [Fact]
    public void Per_category_counts_in_natural_code_order()
    {
        var report = EvalMetrics.Compute(Examples);

        Assert.Equal(["S1", "S2", "S10"], report.PerCategory.Select(c => c.Code));
        var byCode = report.PerCategory.ToDictionary(c => c.Code, c => c.Counts);

        // Population: examples 1-6. S9 (only predicted on the uncategorised example 7) does not appear.
        Assert.Equal(new ConfusionCounts(1, 1, 3, 1), byCode["S1"]);
        Assert.Equal(new ConfusionCounts(0, 0, 5, 1), byCode["S2"]);
        Assert.Equal(new ConfusionCounts(1, 0, 5, 0), byCode["S10"]);
        Assert.Null(byCode["S2"].Precision);
        Assert.Equal(0.0, byCode["S2"].F1);
        Assert.Equal(0.5, byCode["S1"].Precision);
        Assert.Equal(0.25, byCode["S1"].FalsePositiveRate);
    }

    [Fact]
    public void Empty_and_all_indeterminate_sets_have_undefined_ratios()
    {
        var empty = EvalMetrics.Compute([]);
        Assert.Equal(default, empty.Overall.Counts);
        Assert.Null(empty.Overall.Auprc);
        Assert.Empty(empty.PerCategory);

        var unsure = EvalMetrics.Compute([Ex(ExpectedLabel.Unsafe("S1"), Indeterminate(0.4))]);
        Assert.Equal(0, unsure.Overall.Counts.Total);
        Assert.Null(unsure.Overall.Counts.Precision);
        Assert.Equal(1.0, unsure.Overall.Auprc);
        Assert.Empty(unsure.PerCategory);
    }

    [Fact]
    public void Categories_named_with_a_safe_outcome_are_ignored()
    {
        // Defensive: a safe verdict never names codes for the metrics, whatever the list says.
        var report = EvalMetrics.Compute([Ex(ExpectedLabel.Safe, new EvalPrediction(VerdictOutcome.Safe, ["S3"], 0.1))]);

        Assert.Empty(report.PerCategory);
    }

    [Fact]
    public void Code_comparer_orders_numbers_naturally()
    {
        string[] codes = ["S10", "S2", "X1", "S1", "S13", "custom", "S02"];

        Assert.Equal(["S1", "S02", "S2", "S10", "S13", "X1", "custom"], codes.Order(CategoryCodeComparer.Instance));
    }

    private static ScoredExample Ex(ExpectedLabel expected, EvalPrediction predicted) => new(expected, predicted);

    private static EvalPrediction Unsafe(double p, params string[] codes) => new(VerdictOutcome.Unsafe, codes, p);

    private static EvalPrediction Safe(double p) => new(VerdictOutcome.Safe, [], p);

    private static EvalPrediction Indeterminate(double? p) => new(VerdictOutcome.Indeterminate, [], p);
}
