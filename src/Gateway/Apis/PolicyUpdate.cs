using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Serialization;
using GuardCluster.Gateway.Http;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// Applies a <c>PUT /v1/policy</c> body to the current policy. Each present field replaces its part; absent
/// fields keep theirs. New categories drop the old exclusions (a code's meaning belongs to the list that
/// defines it) unless <c>excluded_category_keys</c> is given with them. <c>"threshold": null</c> clears the
/// threshold. The result is validated here for a precise error; the tenant grain validates again.
/// </summary>
public static class PolicyUpdate
{
    private const string LimitsProperty = "limits";

    public static TenantPolicy Apply(JsonElement root, TenantPolicy current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var categories = JsonBody.Optional(root, GuardInputJson.CategoriesProperty);
        var excluded = JsonBody.Optional(root, GuardInputJson.ExcludedProperty);
        var hasThreshold = HasProperty(root, GuardInputJson.ThresholdProperty);
        var threshold = JsonBody.Optional(root, GuardInputJson.ThresholdProperty);
        var limits = JsonBody.Optional(root, LimitsProperty);

        var newCategories = categories is { } c ? GuardInputJson.ParseCategories(c) : current.Policy.Categories;
        IReadOnlyList<string> newExcluded = excluded is { } e
            ? GuardInputJson.ParseExcludedCodes(e)
            : categories is null ? current.Policy.ExcludedCodes : [];
        var newThreshold = hasThreshold
            ? threshold is { } t ? GuardInputJson.ParseThreshold(t) : null
            : current.Policy.Threshold;

        var policy = new SafetyPolicy(newCategories, newExcluded, newThreshold);
        PolicyValidator.Validate(policy);
        var newLimits = limits is { } l ? ParseLimits(l, current.Limits) : current.Limits;
        return current with { Policy = policy, Limits = newLimits };
    }

    /// <summary>Each limit is optional (absent keeps it, null unsets it); the tenant grain checks it against the quota.</summary>
    private static TenantLimits ParseLimits(JsonElement limits, TenantLimits current) =>
        Quotas.LimitsJson.Parse(limits, current, LimitsProperty);

    private static bool HasProperty(JsonElement obj, string name) => obj.TryGetProperty(name, out _);
}
