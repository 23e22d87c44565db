using GuardCluster.Contracts;
using GuardCluster.Core.Serialization;

namespace GuardCluster.Gateway.Models;

public sealed record LimitsBody(int MaxMessageChars, int MaxTurns, int MaxTotalChars)
{
    public static LimitsBody From(TenantLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(limits.MaxMessageChars, limits.MaxTurns, limits.MaxTotalChars);
    }
}

public sealed record PolicyResponse(
    int Version,
    IReadOnlyList<CategoryDto> Categories,
    IReadOnlyList<string> ExcludedCategoryKeys,
    double? Threshold,
    LimitsBody Limits)
{
    public static PolicyResponse From(TenantPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new(
            policy.Version,
            [.. policy.Policy.Categories.Select(c => new CategoryDto(c.Code, c.Text))],
            policy.Policy.ExcludedCodes,
            policy.Policy.Threshold,
            LimitsBody.From(policy.Limits));
    }
}

/// <summary>
/// Body of <c>PUT /v1/policy</c> (documentation shape). Each field present replaces that part of the policy;
/// an absent field keeps it. Replacing <c>categories</c> resets exclusions unless given too; <c>"threshold": null</c> clears it.
/// </summary>
public sealed record PolicyUpdateRequest(
    IReadOnlyDictionary<string, string>? Categories,
    IReadOnlyList<string>? ExcludedCategoryKeys,
    double? Threshold,
    LimitsBody? Limits);
