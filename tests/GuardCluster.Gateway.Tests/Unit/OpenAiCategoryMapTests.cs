using GuardCluster.Core.Policies;
using GuardCluster.Gateway.Moderation;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class OpenAiCategoryMapTests
{
    [Theory]
    [InlineData("S1", "violence,illicit/violent")]
    [InlineData("S2", "illicit")]
    [InlineData("S3", "sexual")]
    [InlineData("S4", "sexual,sexual/minors")]
    [InlineData("S5", "custom/S5")]
    [InlineData("S6", "custom/S6")]
    [InlineData("S7", "custom/S7")]
    [InlineData("S8", "custom/S8")]
    [InlineData("S9", "illicit/violent,violence")]
    [InlineData("S10", "hate")]
    [InlineData("S11", "self-harm,self-harm/intent")]
    [InlineData("S12", "sexual")]
    [InlineData("S13", "custom/S13")]
    public void DefaultCodesMapToOpenAiNames(string code, string expected)
    {
        var category = DefaultCategories.All.Single(c => c.Code == code);
        Assert.Equal(expected.Split(','), OpenAiCategoryMap.NamesFor(category));
    }

    [Fact]
    public void RedefinedOrCustomCodesAreCustomKeys()
    {
        Assert.Equal(["custom/S1"], OpenAiCategoryMap.NamesFor(new SafetyCategory("S1", "Profanity.")));
        Assert.Equal(["custom/S14"], OpenAiCategoryMap.NamesFor(new SafetyCategory("S14", "Spam.")));
    }

    [Fact]
    public void EveryMappedNameIsAnOpenAiName()
    {
        var names = DefaultCategories.All.SelectMany(OpenAiCategoryMap.NamesFor)
            .Where(n => !n.StartsWith(OpenAiCategoryMap.CustomPrefix, StringComparison.Ordinal));
        Assert.All(names, n => Assert.Contains(n, OpenAiCategoryMap.OpenAiNames));
        Assert.Equal(13, OpenAiCategoryMap.OpenAiNames.Distinct().Count());
    }
}
