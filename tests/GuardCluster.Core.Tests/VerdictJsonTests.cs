using System.Text.Json;
using GuardCluster.Core.Serialization;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Core.Tests;

public class VerdictJsonTests
{
    private static GuardVerdict Unsafe(double? probability = 0.93, IReadOnlyDictionary<string, double>? scores = null) => new(
        VerdictOutcome.Unsafe,
        [new CategoryRef("S1", "Violent Crimes."), new CategoryRef("S10", "Hate.")],
        probability,
        scores ?? new Dictionary<string, double> { ["S1"] = 0.9, ["S10"] = 0.05 },
        ["template_marker_in_content"],
        "\n\nunsafe\nS1,S10<|eot_id|>",
        new TokenUsage(202, 150, 5),
        new VerdictTimings(1.5, 20.25, 3.25),
        "llama-guard-3-1b");

    [Fact]
    public void Shape_IsExact()
    {
        using var doc = JsonDocument.Parse(VerdictJson.Serialize(Unsafe()));
        var root = doc.RootElement;

        Assert.Equal(
            ["verdict", "safe", "categories", "unsafe_probability", "category_scores", "warnings", "raw_output", "usage", "timings_ms", "model"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("unsafe", root.GetProperty("verdict").GetString());
        Assert.False(root.GetProperty("safe").GetBoolean());
        var category = root.GetProperty("categories")[1];
        Assert.Equal(["code", "name"], category.EnumerateObject().Select(p => p.Name));
        Assert.Equal("S10", category.GetProperty("code").GetString());
        Assert.Equal("Hate.", category.GetProperty("name").GetString());
        Assert.Equal(0.93, root.GetProperty("unsafe_probability").GetDouble());
        Assert.Equal(["S1", "S10"], root.GetProperty("category_scores").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.9, root.GetProperty("category_scores").GetProperty("S1").GetDouble());
        Assert.Equal("template_marker_in_content", root.GetProperty("warnings")[0].GetString());
        Assert.Equal("\n\nunsafe\nS1,S10<|eot_id|>", root.GetProperty("raw_output").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(["prompt_tokens", "cached_tokens", "completion_tokens"], usage.EnumerateObject().Select(p => p.Name));
        Assert.Equal(202, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(150, usage.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("completion_tokens").GetInt32());
        var timings = root.GetProperty("timings_ms");
        Assert.Equal(["queue", "prefill", "decode", "total"], timings.EnumerateObject().Select(p => p.Name));
        Assert.Equal(25.0, timings.GetProperty("total").GetDouble());
        Assert.Equal("llama-guard-3-1b", root.GetProperty("model").GetString());
    }

    [Fact]
    public void NullsAreWritten_NotOmitted()
    {
        var verdict = Unsafe(probability: null) with { CategoryScores = null, Outcome = VerdictOutcome.Indeterminate };
        var json = VerdictJson.Serialize(verdict, indented: false);
        Assert.Contains("\"unsafe_probability\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"category_scores\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"verdict\":\"indeterminate\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', json);
    }

    [Fact]
    public void SafeVerdict()
    {
        var verdict = Unsafe() with { Outcome = VerdictOutcome.Safe, Categories = [] };
        var dto = VerdictJson.ToDto(verdict);
        Assert.Equal("safe", dto.Verdict);
        Assert.True(dto.Safe);
        Assert.Empty(dto.Categories);
    }

    [Fact]
    public void NonFiniteNumbers_DoNotBreakJson()
    {
        var verdict = Unsafe(double.NaN, new Dictionary<string, double> { ["S1"] = double.PositiveInfinity, ["S2"] = 0.5 });
        using var doc = JsonDocument.Parse(VerdictJson.Serialize(verdict));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("unsafe_probability").ValueKind);
        Assert.Equal(["S2"], doc.RootElement.GetProperty("category_scores").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void SharedOptions_AreSnakeCase_AndKeepDictionaryKeys()
    {
        var json = JsonSerializer.Serialize(
            new { PromptTokens = 1, Scores = new Dictionary<string, int> { ["S1"] = 1 }, Outcome = VerdictOutcome.Indeterminate },
            GuardJson.Options);
        Assert.Equal("""{"prompt_tokens":1,"scores":{"S1":1},"outcome":"indeterminate"}""", json);
        Assert.True(GuardJson.Options.IsReadOnly);
    }
}
