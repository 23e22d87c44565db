namespace GuardCluster.Cli.Evaluation;

/// <summary>
/// Area under the precision–recall curve as average precision: AP = Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the distinct
/// score thresholds in descending order (the scikit-learn definition, no interpolation). Examples with
/// equal scores enter the curve together, so the result does not depend on input order.
/// </summary>
public static class AveragePrecision
{
    /// <returns>Null when there are no positive examples (recall is undefined).</returns>
    public static double? Compute(IEnumerable<(double Score, bool Positive)> examples)
    {
        var sorted = examples.OrderByDescending(e => e.Score).ToList();
        var positives = sorted.Count(e => e.Positive);
        if (positives == 0)
        {
            return null;
        }

        double ap = 0, previousRecall = 0;
        int truePositives = 0, falsePositives = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].Positive)
            {
                truePositives++;
            }
            else
            {
                falsePositives++;
            }

            // Only close a step at the last example of a run of tied scores.
            var endOfTie = i == sorted.Count - 1 || sorted[i + 1].Score != sorted[i].Score;
            if (!endOfTie)
            {
                continue;
            }

            var recall = (double)truePositives / positives;
            var precision = (double)truePositives / (truePositives + falsePositives);
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
        }

        return ap;
    }
}
