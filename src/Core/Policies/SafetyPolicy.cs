namespace GuardCluster.Core.Policies;

/// <summary>
/// Ordered categories, codes excluded from the prompt, and an optional decision threshold on
/// P(unsafe). <see cref="Default"/> is the model card's S1..S13.
/// </summary>
public sealed record SafetyPolicy(
    IReadOnlyList<SafetyCategory> Categories,
    IReadOnlyList<string> ExcludedCodes,
    double? Threshold = null)
{
    public static SafetyPolicy Default { get; } = new(DefaultCategories.All, []);

    /// <summary>The categories written into the prompt, in order.</summary>
    public IEnumerable<SafetyCategory> ActiveCategories =>
        Categories.Where(c => !ExcludedCodes.Contains(c.Code, StringComparer.Ordinal));

    /// <summary>The category with this code (excluded or not), or null.</summary>
    public SafetyCategory? FindCategory(string code)
    {
        foreach (var category in Categories)
        {
            if (string.Equals(category.Code, code, StringComparison.Ordinal))
            {
                return category;
            }
        }

        return null;
    }

    /// <summary>True when the code is written into the prompt (listed and not excluded).</summary>
    public bool IsActive(string code) =>
        FindCategory(code) is not null && !ExcludedCodes.Contains(code, StringComparer.Ordinal);

    /// <summary>
    /// Applies per-request options. <paramref name="categories"/> replaces the list; <paramref name="excluded"/>
    /// is added to the excluded set; <paramref name="threshold"/> replaces the threshold. When the list is
    /// replaced, this policy's own exclusions are dropped: a code's meaning belongs to the list that defines it
    /// (a custom <c>S6</c> is not the default <c>S6</c>), and stale exclusions would fail validation as unknown.
    /// The result is not validated; run <see cref="PolicyValidator"/>.
    /// </summary>
    public SafetyPolicy WithOverrides(
        IReadOnlyList<SafetyCategory>? categories,
        IReadOnlyList<string>? excluded,
        double? threshold)
    {
        var baseExcluded = categories is null ? ExcludedCodes : [];
        var mergedExcluded = excluded is null || excluded.Count == 0
            ? baseExcluded
            : baseExcluded.Concat(excluded).Distinct(StringComparer.Ordinal).ToArray();

        return new SafetyPolicy(categories ?? Categories, mergedExcluded, threshold ?? Threshold);
    }
}
