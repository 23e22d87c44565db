namespace GuardCluster.Core.Verdicts;

/// <summary>
/// The strict reading of the model's raw answer. <see cref="Codes"/> keeps every code the model named,
/// in order; <see cref="UnknownCodes"/> the subset not in the policy's active categories.
/// </summary>
public sealed record ParsedVerdict(
    VerdictOutcome Outcome,
    IReadOnlyList<string> Codes,
    IReadOnlyList<string> UnknownCodes,
    string Raw);
