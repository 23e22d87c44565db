namespace GuardCluster.Cli.Evaluation;

/// <summary>Examples whose prediction was neither safe nor unsafe, by their label; kept out of every confusion matrix.</summary>
public sealed record IndeterminateCounts(int ExpectedUnsafe, int ExpectedSafe)
{
    public int Total => ExpectedUnsafe + ExpectedSafe;
}

/// <summary>Safe-vs-unsafe metrics; <see cref="Auprc"/> ranks the <see cref="ScoredExamples"/> that had an unsafe probability.</summary>
public sealed record BinaryMetrics(ConfusionCounts Counts, double? Auprc, int ScoredExamples);

/// <summary>One category treated as its own binary problem ("the answer names this code").</summary>
public sealed record CategoryMetrics(string Code, ConfusionCounts Counts);

/// <summary>
/// Everything <c>guardctl eval</c> reports. <see cref="UnsafeWithoutCategories"/> counts unsafe-labelled
/// examples left out of the per-category matrices because their categories are unknown.
/// </summary>
public sealed record EvalReport(
    int Examples,
    BinaryMetrics Overall,
    IndeterminateCounts Indeterminate,
    IReadOnlyList<CategoryMetrics> PerCategory,
    int UnsafeWithoutCategories);
