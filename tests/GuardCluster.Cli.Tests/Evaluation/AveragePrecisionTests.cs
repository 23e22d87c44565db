using GuardCluster.Cli.Evaluation;

namespace GuardCluster.Cli.Tests.Evaluation;

public sealed class AveragePrecisionTests
{
    [Fact]
    public void Perfect_ranking_is_one() =>
        Assert.Equal(1.0, AveragePrecision.Compute([(0.9, true), (0.8, true), (0.3, false), (0.1, false)]));

    [Fact]
    public void Hand_computed_mixed_ranking()
    {
        // Descending: + (P 1, R .5)  − (P .5, R .5)  + (P 2/3, R 1)  − (P .5, R 1)
        // AP = .5·1 + 0·.5 + .5·(2/3) + 0·.5 = 5/6
        var ap = AveragePrecision.Compute([(0.1, false), (0.7, true), (0.9, true), (0.8, false)]);

        Assert.Equal(5.0 / 6.0, ap!.Value, 12);
    }

    [Fact]
    public void Worst_ranking_hand_computed()
    {
        // − − + + : steps at R .5 (P 1/3) and R 1 (P 2/4) → AP = .5/3 + .5·.5 = 5/12
        var ap = AveragePrecision.Compute([(0.9, false), (0.8, false), (0.2, true), (0.1, true)]);

        Assert.Equal(5.0 / 12.0, ap!.Value, 12);
    }

    [Fact]
    public void Tied_scores_form_one_step_regardless_of_input_order()
    {
        // One threshold holds everything: P = 1/2 at R = 1 → AP = .5 whether the positive comes first or not.
        Assert.Equal(0.5, AveragePrecision.Compute([(0.5, true), (0.5, false)]));
        Assert.Equal(0.5, AveragePrecision.Compute([(0.5, false), (0.5, true)]));
    }

    [Fact]
    public void Ties_in_the_middle_of_the_ranking()
    {
        // 0.9 +  | 0.6 {+, −, −} | 0.2 +
        // step 1: TP1 FP0 → P 1, R 1/3;  step 2: TP2 FP2 → P .5, R 2/3;  step 3: TP3 FP2 → P .6, R 1
        // AP = 1/3·1 + 1/3·.5 + 1/3·.6 = 0.7
        var ap = AveragePrecision.Compute([(0.6, false), (0.9, true), (0.6, true), (0.2, true), (0.6, false)]);

        Assert.Equal(0.7, ap!.Value, 12);
    }

    [Fact]
    public void Undefined_without_positives()
    {
        Assert.Null(AveragePrecision.Compute([(0.4, false), (0.3, false)]));
        Assert.Null(AveragePrecision.Compute([]));
    }

    [Fact]
    public void All_positive_is_one() =>
        Assert.Equal(1.0, AveragePrecision.Compute([(0.2, true), (0.2, true), (0.1, true)]));
}
