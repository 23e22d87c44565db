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
}
