namespace GuardCluster.Engine.Scheduling;

/// <summary>Numerically stable softmax read-outs over a full-vocabulary logit row.</summary>
internal static class Softmax
{
    public static float Max(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            if (v > max)
            {
                max = v;
            }
        }

        return max;
    }

    public static double Probability(ReadOnlySpan<float> logits, int index)
    {
        var max = Max(logits);
        double sum = 0;
        foreach (var v in logits)
        {
            sum += Math.Exp(v - max);
        }

        return Math.Exp(logits[index] - max) / sum;
    }
}
