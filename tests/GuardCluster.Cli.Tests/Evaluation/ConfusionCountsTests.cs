using GuardCluster.Cli.Evaluation;

namespace GuardCluster.Cli.Tests.Evaluation;

public sealed class ConfusionCountsTests
{
    [Fact]
    public void Hand_computed_ratios()
    {
        var c = new ConfusionCounts(TruePositives: 6, FalsePositives: 2, TrueNegatives: 8, FalseNegatives: 4);

        Assert.Equal(0.75, c.Precision);          // 6 / 8
        Assert.Equal(0.6, c.Recall);              // 6 / 10
        Assert.Equal(12.0 / 18.0, c.F1!.Value, 12); // 2·6 / (12 + 2 + 4) = harmonic mean of .75 and .6
        Assert.Equal(0.2, c.FalsePositiveRate);   // 2 / 10
        Assert.Equal(20, c.Total);
        Assert.Equal(10, c.Positives);
    }

    [Fact]
    public void Undefined_ratios_are_null_not_zero()
    {
        var onlyNegatives = new ConfusionCounts(0, 0, 5, 0);

        Assert.Null(onlyNegatives.Precision);
        Assert.Null(onlyNegatives.Recall);
        Assert.Null(onlyNegatives.F1);
        Assert.Equal(0.0, onlyNegatives.FalsePositiveRate);

        var onlyMisses = new ConfusionCounts(0, 0, 0, 3);
        Assert.Null(onlyMisses.Precision);
        Assert.Equal(0.0, onlyMisses.Recall);
        Assert.Equal(0.0, onlyMisses.F1); // errors and no hits: F1 is 0, not undefined
        Assert.Null(onlyMisses.FalsePositiveRate);
    }

    [Fact]
    public void Add_puts_each_pair_in_its_cell()
    {
        var c = default(ConfusionCounts).Add(true, true).Add(false, true).Add(false, false).Add(true, false).Add(true, true);

        Assert.Equal(new ConfusionCounts(2, 1, 1, 1), c);
    }
}
