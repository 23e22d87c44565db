namespace GuardCluster.Bench.Systems;

/// <summary>
/// What one check cost and answered. <see cref="PrefilledTokens"/> is prompt minus cached tokens: the work a
/// cache saves. <see cref="ThresholdOverride"/> marks verdicts a policy threshold changed on purpose, which a
/// greedy baseline cannot reproduce (they are not counted as mismatches). <see cref="PrefillMs"/>, where a system
/// reports it, is the time from the start of the prompt's evaluation to the first answer token (prefill plus one
/// sampling): divided by <see cref="PrefilledTokens"/> it gives the cost per prompt token.
/// </summary>
public sealed record CheckResult(
    double Milliseconds,
    int PromptTokens,
    int PrefilledTokens,
    string RawOutput,
    bool ThresholdOverride = false,
    int CompletionTokens = 0,
    double? PrefillMs = null);
