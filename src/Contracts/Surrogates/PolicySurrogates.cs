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
}

[RegisterConverter]
public sealed class SafetyPolicyConverter : IConverter<SafetyPolicy, SafetyPolicySurrogate>
{
    public SafetyPolicy ConvertFromSurrogate(in SafetyPolicySurrogate surrogate)
    {
        var codes = surrogate.Codes ?? [];
        var texts = surrogate.Texts ?? [];
        var categories = codes.Select((code, i) => new SafetyCategory(code, texts[i])).ToArray();
        return new SafetyPolicy(categories, surrogate.Excluded ?? [], surrogate.Threshold);
    }

    public SafetyPolicySurrogate ConvertToSurrogate(in SafetyPolicy value) => new()
    {
        Codes = [.. value.Categories.Select(c => c.Code)],
        Texts = [.. value.Categories.Select(c => c.Text)],
        Excluded = [.. value.ExcludedCodes],
        Threshold = value.Threshold,
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
