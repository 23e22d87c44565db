namespace GuardCluster.Cli.Evaluation;

/// <summary>
/// A 2×2 confusion matrix with "unsafe" (or "has category c") as the positive class. Ratios are null when
/// their denominator is zero rather than a made-up 0 or 1.
/// </summary>
public readonly record struct ConfusionCounts(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>Examples whose label is positive (TP + FN).</summary>
    public int Positives => TruePositives + FalseNegatives;

    public double? Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public double? Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>2TP / (2TP + FP + FN): equals the harmonic mean of P and R, and is 0 (not undefined) when TP = 0 but errors exist.</summary>
    public double? F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    public double? FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    public ConfusionCounts Add(bool expectedPositive, bool predictedPositive) => (expectedPositive, predictedPositive) switch
    {
        (true, true) => this with { TruePositives = TruePositives + 1 },
        (false, true) => this with { FalsePositives = FalsePositives + 1 },
        (false, false) => this with { TrueNegatives = TrueNegatives + 1 },
        (true, false) => this with { FalseNegatives = FalseNegatives + 1 },
    };

    private static double? Ratio(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;
}
