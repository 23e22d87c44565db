using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Core.Tests;

public class VerdictParserTests
{
    private static ParsedVerdict Parse(string raw) => VerdictParser.Parse(raw, SafetyPolicy.Default);

    [Theory]
    [InlineData("safe")]
    [InlineData("\n\nsafe")]
    [InlineData("\n\nsafe<|eot_id|>")]
    [InlineData("safe<|eot_id|>\n")]
    public void Safe(string raw)
    {
        var verdict = Parse(raw);
        Assert.Equal(VerdictOutcome.Safe, verdict.Outcome);
        Assert.Empty(verdict.Codes);
        Assert.Equal(raw, verdict.Raw);
    }

    [Fact]
    public void UnsafeWithoutCodes_StaysUnsafe()
    {
        var verdict = Parse("\n\nunsafe<|eot_id|>");
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Empty(verdict.Codes);
        Assert.Empty(verdict.UnknownCodes);
    }

    [Theory]
    [InlineData("unsafe\nS1", new[] { "S1" })]
    [InlineData("unsafe\nS1, S10", new[] { "S1", "S10" })]
    [InlineData("unsafe\nS1,S10", new[] { "S1", "S10" })]
    [InlineData("\n\nunsafe\nS1<|eot_id|>", new[] { "S1" })]
    [InlineData("unsafe\r\n S2 ,S1 , S2", new[] { "S2", "S1" })]
    public void UnsafeWithCodes(string raw, string[] codes)
    {
        var verdict = Parse(raw);
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Equal(codes, verdict.Codes);
        Assert.Empty(verdict.UnknownCodes);
    }

    [Fact]
    public void UnknownCode_IsKept_AndFlagged()
    {
        var verdict = Parse("unsafe\nS1,S14");
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Equal(["S1", "S14"], verdict.Codes);
        Assert.Equal(["S14"], verdict.UnknownCodes);
    }

    [Fact]
    public void ExcludedCode_IsUnknown()
    {
        var policy = SafetyPolicy.Default with { ExcludedCodes = ["S6"] };
        var verdict = VerdictParser.Parse("unsafe\nS6", policy);
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Equal(["S6"], verdict.UnknownCodes);
        Assert.Equal("Specialized Advice.", verdict.CategoryRefs(policy)[0].Name);
    }

    [Fact]
    public void CustomPolicy_CodesAreCheckedAgainstIt()
    {
        var policy = new SafetyPolicy([new SafetyCategory("S1", "Mine")], []);
        var verdict = VerdictParser.Parse("unsafe\nS1,S2", policy);
        Assert.Equal(["S2"], verdict.UnknownCodes);
        Assert.Equal(
            [new CategoryRef("S1", "Mine"), new CategoryRef("S2", "Unknown category")],
            verdict.CategoryRefs(policy));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("<|eot_id|>")]
    [InlineData("Safe")]
    [InlineData("SAFE")]
    [InlineData("safe\nS1")]
    [InlineData("safe.")]
    [InlineData("unsafe\nfoo")]
    [InlineData("unsafe\nS1\nS2")]
    [InlineData("unsafe\n\nS1")]
    [InlineData("unsafe\nS1,")]
    [InlineData("unsafe\nS1,,S2")]
    [InlineData("unsafe\nS1 S2")]
    [InlineData("unsafe\nS1000")]
    [InlineData("unsafe\ns1")]
    [InlineData("unsafe S1")]
    [InlineData("maybe")]
    [InlineData("safe<|eot_id|><|eot_id|>")]
    [InlineData("I think this is safe")]
    public void Garbage_IsIndeterminate(string raw)
    {
        var verdict = Parse(raw);
        Assert.Equal(VerdictOutcome.Indeterminate, verdict.Outcome);
        Assert.Empty(verdict.Codes);
        Assert.Equal(raw, verdict.Raw);
    }
}
