using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Contracts.Surrogates;

[GenerateSerializer]
[Alias("gc.SafetyPolicy")]
public struct SafetyPolicySurrogate
{
    [Id(0)]
    public string[] Codes;

    [Id(1)]
    public string[] Texts;

    [Id(2)]
    public string[] Excluded;

    [Id(3)]
    public double? Threshold;

    /// <summary>Per-category descriptions parallel to <see cref="Codes"/> (null = none); absent in state stored before descriptions existed.</summary>
    [Id(4)]
    public string?[]? Descriptions;
}

[RegisterConverter]
public sealed class SafetyPolicyConverter : IConverter<SafetyPolicy, SafetyPolicySurrogate>
{
    public SafetyPolicy ConvertFromSurrogate(in SafetyPolicySurrogate surrogate)
    {
        var codes = surrogate.Codes ?? [];
        var texts = surrogate.Texts ?? [];
        var descriptions = surrogate.Descriptions ?? [];
        var categories = codes.Select((code, i) => new SafetyCategory(code, texts[i], i < descriptions.Length ? descriptions[i] : null)).ToArray();
        return new SafetyPolicy(categories, surrogate.Excluded ?? [], surrogate.Threshold);
    }

    public SafetyPolicySurrogate ConvertToSurrogate(in SafetyPolicy value) => new()
    {
        Codes = [.. value.Categories.Select(c => c.Code)],
        Texts = [.. value.Categories.Select(c => c.Text)],
        Excluded = [.. value.ExcludedCodes],
        Threshold = value.Threshold,

        // Left null when no category has a description, so such policies serialize as before.
        Descriptions = value.Categories.Any(c => c.Description is not null) ? [.. value.Categories.Select(c => c.Description)] : null,
    };
}

[GenerateSerializer]
[Alias("gc.GuardRequest")]
public struct GuardRequestSurrogate
{
    [Id(0)]
    public Conversation Conversation;

    [Id(1)]
    public SafetyPolicy Policy;

    [Id(2)]
    public bool IncludeCategoryScores;

    [Id(3)]
    public string? SessionKey;

    [Id(4)]
    public string? TenantId;

    [Id(5)]
    public bool AllowHistoryWindow;

    [Id(6)]
    public bool ScoreSafeVerdicts;
}

[RegisterConverter]
public sealed class GuardRequestConverter : IConverter<GuardRequest, GuardRequestSurrogate>
{
    public GuardRequest ConvertFromSurrogate(in GuardRequestSurrogate surrogate) =>
        new(surrogate.Conversation, surrogate.Policy, surrogate.IncludeCategoryScores, surrogate.SessionKey, surrogate.TenantId, surrogate.AllowHistoryWindow, surrogate.ScoreSafeVerdicts);

    public GuardRequestSurrogate ConvertToSurrogate(in GuardRequest value) => new()
    {
        Conversation = value.Conversation,
        Policy = value.Policy,
        IncludeCategoryScores = value.IncludeCategoryScores,
        SessionKey = value.SessionKey,
        TenantId = value.TenantId,
        AllowHistoryWindow = value.AllowHistoryWindow,
        ScoreSafeVerdicts = value.ScoreSafeVerdicts,
    };
}
