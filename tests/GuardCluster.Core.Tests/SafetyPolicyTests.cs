using GuardCluster.Core.Policies;

namespace GuardCluster.Core.Tests;

public class SafetyPolicyTests
{
    [Fact]
    public void WithOverrides_AddsExclusions_AndKeepsThresholdWhenNotGiven()
    {
        var basePolicy = SafetyPolicy.Default with { ExcludedCodes = ["S6"], Threshold = 0.4 };
        var policy = basePolicy.WithOverrides(null, ["S7", "S6"], null);

        Assert.Equal(["S6", "S7"], policy.ExcludedCodes);
        Assert.Equal(0.4, policy.Threshold);
        Assert.Equal(11, policy.ActiveCategories.Count());
    }

    [Fact]
    public void WithOverrides_ReplacesCategories_DropsBaseExclusions_AndReplacesThreshold()
    {
        var basePolicy = SafetyPolicy.Default with { ExcludedCodes = ["S6"], Threshold = 0.4 };
        var policy = basePolicy.WithOverrides([new("S1", "Mine"), new("S2", "Other")], ["S2"], 0.9);

        Assert.Equal(["S2"], policy.ExcludedCodes);
        Assert.Equal(0.9, policy.Threshold);
        Assert.Equal(["S1"], policy.ActiveCategories.Select(c => c.Code));
        PolicyValidator.Validate(policy);
    }

    [Fact]
    public void FindCategory_AndIsActive()
    {
        var policy = SafetyPolicy.Default with { ExcludedCodes = ["S6"] };
        Assert.Equal("Hate.", policy.FindCategory("S10")?.Text);
        Assert.Equal("Specialized Advice.", policy.FindCategory("S6")?.Text);
        Assert.Null(policy.FindCategory("S14"));
        Assert.Null(policy.FindCategory("s1"));
        Assert.False(policy.IsActive("S6"));
        Assert.True(policy.IsActive("S7"));
        Assert.False(policy.IsActive("S14"));
    }
}
