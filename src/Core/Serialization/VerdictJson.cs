using System.Text.Json;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Core.Serialization;

/// <summary>Maps <see cref="GuardVerdict"/> to its JSON wire shape (<see cref="VerdictDto"/>).</summary>
public static class VerdictJson
{
    public static string OutcomeName(VerdictOutcome outcome) => outcome switch
    {
        VerdictOutcome.Safe => "safe",
        VerdictOutcome.Unsafe => "unsafe",
        _ => "indeterminate",
    };

    public static VerdictDto ToDto(GuardVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new VerdictDto(
            OutcomeName(verdict.Outcome),
            verdict.IsSafe,
            verdict.Categories.Select(c => new CategoryDto(c.Code, c.Name)).ToArray(),
            Finite(verdict.UnsafeProbability),
            FiniteScores(verdict.CategoryScores),
            verdict.Warnings,
            verdict.RawOutput,
            new UsageDto(verdict.Usage.PromptTokens, verdict.Usage.CachedTokens, verdict.Usage.CompletionTokens),
            new TimingsDto(
                OrZero(verdict.Timings.QueueMs),
                OrZero(verdict.Timings.PrefillMs),
                OrZero(verdict.Timings.DecodeMs),
                OrZero(verdict.Timings.TotalMs)),
            verdict.Model);
    }

    public static string Serialize(GuardVerdict verdict, bool indented = true) =>
        JsonSerializer.Serialize(ToDto(verdict), indented ? GuardJson.IndentedOptions : GuardJson.Options);

    // JSON has no NaN/Infinity; a broken score becomes "unknown" rather than an exception or invalid JSON.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static double OrZero(double value) => double.IsFinite(value) ? value : 0;

    private static Dictionary<string, double>? FiniteScores(IReadOnlyDictionary<string, double>? scores)
    {
        if (scores is null)
        {
            return null;
        }

        var result = new Dictionary<string, double>(scores.Count, StringComparer.Ordinal);
        foreach (var (code, score) in scores)
        {
            if (double.IsFinite(score))
            {
                result[code] = score;
            }
        }

        return result;
    }
}
