using GuardCluster.Core.Policies;

namespace GuardCluster.Core.Verdicts;

/// <summary>
/// The strict reading of the model's raw answer. <see cref="Codes"/> keeps every code the model named,
/// in order; <see cref="UnknownCodes"/> the subset not in the policy's active categories.
/// </summary>
public sealed record ParsedVerdict(
    VerdictOutcome Outcome,
    IReadOnlyList<string> Codes,
    IReadOnlyList<string> UnknownCodes,
    string Raw)
{
    /// <summary>Warning code for a verdict that names a code outside the policy's active categories.</summary>
    public const string UnknownCategoryWarning = "unknown_category_code";

    /// <summary>Warning code for an answer that is neither well-formed safe nor unsafe.</summary>
    public const string IndeterminateWarning = "indeterminate_output";

    /// <summary>Named codes as references; the name is the category's name (its first line, never the description), or <c>"Unknown category"</c>.</summary>
    public IReadOnlyList<CategoryRef> CategoryRefs(SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Codes.Select(code => new CategoryRef(code, policy.FindCategory(code)?.Name ?? "Unknown category")).ToArray();
    }
}
