using GuardCluster.Core.Verdicts;

namespace GuardCluster.Contracts.Surrogates;

[GenerateSerializer]
[Alias("gc.GuardVerdict")]
public struct GuardVerdictSurrogate
{
    [Id(0)]
    public int Outcome;

    [Id(1)]
    public string[] CategoryCodes;

    [Id(2)]
    public string[] CategoryNames;

    [Id(3)]
    public double? UnsafeProbability;

    [Id(4)]
    public Dictionary<string, double>? CategoryScores;

    [Id(5)]
    public string[] Warnings;

    [Id(6)]
    public string RawOutput;

    [Id(7)]
    public int PromptTokens;

    [Id(8)]
    public int CachedTokens;

    [Id(9)]
    public int CompletionTokens;

    [Id(10)]
    public double QueueMs;

    [Id(11)]
    public double PrefillMs;

    [Id(12)]
    public double DecodeMs;

    [Id(13)]
    public string Model;
}

[RegisterConverter]
public sealed class GuardVerdictConverter : IConverter<GuardVerdict, GuardVerdictSurrogate>
{
    public GuardVerdict ConvertFromSurrogate(in GuardVerdictSurrogate s)
    {
        var names = s.CategoryNames ?? [];
        var categories = (s.CategoryCodes ?? []).Select((code, i) => new CategoryRef(code, names[i])).ToArray();
        return new GuardVerdict(
            (VerdictOutcome)s.Outcome,
            categories,
            s.UnsafeProbability,
            s.CategoryScores,
            s.Warnings ?? [],
            s.RawOutput ?? string.Empty,
            new TokenUsage(s.PromptTokens, s.CachedTokens, s.CompletionTokens),
            new VerdictTimings(s.QueueMs, s.PrefillMs, s.DecodeMs),
            s.Model ?? string.Empty);
    }

    public GuardVerdictSurrogate ConvertToSurrogate(in GuardVerdict value) => new()
    {
        Outcome = (int)value.Outcome,
        CategoryCodes = [.. value.Categories.Select(c => c.Code)],
        CategoryNames = [.. value.Categories.Select(c => c.Name)],
        UnsafeProbability = value.UnsafeProbability,
        CategoryScores = value.CategoryScores is null ? null : new Dictionary<string, double>(value.CategoryScores, StringComparer.Ordinal),
        Warnings = [.. value.Warnings],
        RawOutput = value.RawOutput,
        PromptTokens = value.Usage.PromptTokens,
        CachedTokens = value.Usage.CachedTokens,
        CompletionTokens = value.Usage.CompletionTokens,
        QueueMs = value.Timings.QueueMs,
        PrefillMs = value.Timings.PrefillMs,
        DecodeMs = value.Timings.DecodeMs,
        Model = value.Model,
    };
}
