namespace GuardCluster.Gateway.Moderation;

/// <summary>One entry of an OpenAI moderation response's <c>results</c>.</summary>
public sealed record ModerationResult(
    bool Flagged,
    IReadOnlyDictionary<string, bool> Categories,
    IReadOnlyDictionary<string, double> CategoryScores,
    IReadOnlyDictionary<string, IReadOnlyList<string>> CategoryAppliedInputTypes);

/// <summary>The OpenAI <c>POST /v1/moderations</c> response body.</summary>
public sealed record ModerationResponse(string Id, string Model, IReadOnlyList<ModerationResult> Results);
