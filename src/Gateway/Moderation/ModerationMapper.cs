using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Gateway.Moderation;

/// <summary>
/// Builds OpenAI-shaped results from verdicts.
/// <list type="bullet">
/// <item><c>flagged</c> is true unless the verdict is <c>safe</c>: an indeterminate answer fails closed.</item>
/// <item><c>categories[name]</c> is true when a code the model named maps to <c>name</c>.</item>
/// <item><c>category_scores[name]</c> is the max, over the codes mapping to <c>name</c>, of
/// P(unsafe) × P(code | unsafe), for safe and unsafe verdicts alike whenever the engine measured P(code | unsafe)
/// (<see cref="GuardVerdict.CategoryScores"/>); without that distribution a flagged code scores P(unsafe)
/// (1 when that is unknown too) and the rest 0.</item>
/// </list>
/// Keys: OpenAI's 13 names always, then <c>custom/&lt;code&gt;</c> for each active policy code with no OpenAI name.
/// </summary>
public static class ModerationMapper
{
    private static readonly IReadOnlyList<string> TextOnly = ["text"];

    public static ModerationResult FromVerdict(GuardVerdict verdict, SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var (flags, scores) = EmptyMaps(policy);
        var probability = Math.Clamp(verdict.UnsafeProbability ?? (verdict.IsSafe ? 0 : 1), 0, 1);

        if (verdict.CategoryScores is { } conditional)
        {
            foreach (var (code, score) in conditional)
            {
                if (policy.FindCategory(code) is { } category && double.IsFinite(score))
                {
                    Raise(scores, OpenAiCategoryMap.NamesFor(category), probability * Math.Clamp(score, 0, 1));
                }
            }
        }

        foreach (var named in verdict.Categories)
        {
            var category = policy.FindCategory(named.Code) ?? new SafetyCategory(named.Code, named.Name);
            var names = OpenAiCategoryMap.NamesFor(category);
            foreach (var name in names)
            {
                flags[name] = true;
            }

            if (verdict.CategoryScores is null || !verdict.CategoryScores.ContainsKey(named.Code))
            {
                Raise(scores, names, probability);
            }
        }

        return Build(!verdict.IsSafe, flags, scores);
    }

    /// <summary>The answer for an input that needs no model call (blank text): nothing flagged, all zero.</summary>
    public static ModerationResult Unflagged(SafetyPolicy policy)
    {
        var (flags, scores) = EmptyMaps(policy);
        return Build(false, flags, scores);
    }

    private static (Dictionary<string, bool> Flags, Dictionary<string, double> Scores) EmptyMaps(SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var flags = new Dictionary<string, bool>(StringComparer.Ordinal);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var keys = OpenAiCategoryMap.OpenAiNames.Concat(
            policy.ActiveCategories.SelectMany(OpenAiCategoryMap.NamesFor)
                .Where(n => n.StartsWith(OpenAiCategoryMap.CustomPrefix, StringComparison.Ordinal)));
        foreach (var key in keys)
        {
            flags[key] = false;
            scores[key] = 0;
        }

        return (flags, scores);
    }

    private static void Raise(Dictionary<string, double> scores, IReadOnlyList<string> names, double value)
    {
        foreach (var name in names)
        {
            scores[name] = Math.Max(scores.GetValueOrDefault(name), value);
        }
    }

    private static ModerationResult Build(bool flagged, Dictionary<string, bool> flags, Dictionary<string, double> scores) =>
        new(flagged, flags, scores, flags.Keys.ToDictionary(k => k, _ => TextOnly, StringComparer.Ordinal));
}
