using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;
using GuardCluster.Gateway.Moderation;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class ModerationMapperTests
{
    private static GuardVerdict Verdict(VerdictOutcome outcome, double? probability, IReadOnlyDictionary<string, double>? scores, params string[] codes) =>
        new(
            outcome,
            [.. codes.Select(c => new CategoryRef(c, DefaultCategories.All.Single(d => d.Code == c).Text))],
            probability,
            scores,
            [],
            "raw",
            new TokenUsage(1, 0, 1),
            new VerdictTimings(0, 0, 0),
            "demo");

    [Fact]
    public void SafeVerdictIsUnflaggedWithZeroScoresAndAllKeys()
    {
        var result = ModerationMapper.FromVerdict(Verdict(VerdictOutcome.Safe, 0.02, null), SafetyPolicy.Default);

        Assert.False(result.Flagged);
        Assert.All(OpenAiCategoryMap.OpenAiNames, n => Assert.False(result.Categories[n]));
        Assert.All(result.CategoryScores.Values, s => Assert.Equal(0, s));
        Assert.Contains("custom/S5", result.Categories.Keys);
        Assert.Contains("custom/S13", result.Categories.Keys);
        Assert.Equal(result.Categories.Keys, result.CategoryScores.Keys);
        Assert.All(result.CategoryAppliedInputTypes.Values, t => Assert.Equal(["text"], t));
    }

    [Fact]
    public void SafeVerdictWithMeasuredScoresGetsProbabilitiesNotZeros()
    {
        var scores = new Dictionary<string, double> { ["S1"] = 0.6, ["S10"] = 0.3, ["S5"] = 0.1 };
        var result = ModerationMapper.FromVerdict(Verdict(VerdictOutcome.Safe, 0.05, scores), SafetyPolicy.Default);

        Assert.False(result.Flagged);
        Assert.All(result.Categories.Values, Assert.False);
        Assert.Equal(0.03, result.CategoryScores["violence"], 6); // 0.05 * 0.6
        Assert.Equal(0.015, result.CategoryScores["hate"], 6);
        Assert.Equal(0.005, result.CategoryScores["custom/S5"], 6);
        Assert.Equal(0, result.CategoryScores["sexual"]);
    }

    [Fact]
    public void UnsafeScoresAreProbabilityTimesConditionalMaxedPerName()
    {
        var scores = new Dictionary<string, double> { ["S1"] = 0.5, ["S9"] = 0.25, ["S10"] = 0.25 };
        var result = ModerationMapper.FromVerdict(Verdict(VerdictOutcome.Unsafe, 0.8, scores, "S1"), SafetyPolicy.Default);

        Assert.True(result.Flagged);
        Assert.True(result.Categories["violence"]);
        Assert.True(result.Categories["illicit/violent"]);
        Assert.False(result.Categories["hate"]);
        Assert.Equal(0.4, result.CategoryScores["violence"], 6); // max(0.8*0.5, 0.8*0.25)
        Assert.Equal(0.2, result.CategoryScores["hate"], 6);
        Assert.Equal(0, result.CategoryScores["sexual"]);
    }

    [Fact]
    public void FlaggedCodeWithoutScoresGetsUnsafeProbability()
    {
        var result = ModerationMapper.FromVerdict(Verdict(VerdictOutcome.Unsafe, 0.9, null, "S11"), SafetyPolicy.Default);
        Assert.Equal(0.9, result.CategoryScores["self-harm"], 6);
        Assert.Equal(0.9, result.CategoryScores["self-harm/intent"], 6);
        Assert.True(result.Categories["self-harm/intent"]);
    }

    [Fact]
    public void IndeterminateFailsClosed()
    {
        var result = ModerationMapper.FromVerdict(Verdict(VerdictOutcome.Indeterminate, null, null), SafetyPolicy.Default);
        Assert.True(result.Flagged);
    }

    [Fact]
    public void CustomPolicyCodesGetCustomKeys()
    {
        var policy = new SafetyPolicy([new SafetyCategory("S1", "Profanity."), new SafetyCategory("S2", "Spam.")], ["S2"]);
        var verdict = new GuardVerdict(
            VerdictOutcome.Unsafe, [new CategoryRef("S1", "Profanity.")], 0.7, null, [], "unsafe\nS1", new TokenUsage(1, 0, 1), new VerdictTimings(0, 0, 0), "demo");

        var result = ModerationMapper.FromVerdict(verdict, policy);

        Assert.True(result.Categories["custom/S1"]);
        Assert.False(result.Categories["violence"]);
        Assert.DoesNotContain("custom/S2", result.Categories.Keys); // excluded codes are not in the prompt
    }
}
