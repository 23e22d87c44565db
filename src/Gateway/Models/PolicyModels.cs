using GuardCluster.Contracts;
using GuardCluster.Core.Serialization;

namespace GuardCluster.Gateway.Models;

/// <summary>The eight limits as answers show them (names as in <see cref="TenantLimitFields"/>); null when one is not set. Requests use <see cref="LimitsRequest"/>.</summary>
public sealed record LimitsBody(
    int? RequestsPerMinute,
    int? TokensPerMinute,
    int? MaxConcurrentRequests,
    int? MaxConversations,
    int? MaxMessageChars,
    int? MaxTurns,
    int? MaxTotalChars,
    int? MaxBatchItems)
{
    public static LimitsBody From(TenantLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(
            limits.RequestsPerMinute,
            limits.TokensPerMinute,
            limits.MaxConcurrentRequests,
            limits.MaxConversations,
            limits.MaxMessageChars,
            limits.MaxTurns,
            limits.MaxTotalChars,
            limits.MaxBatchItems);
    }
}

/// <summary>
/// <c>limits</c> are what applies to the tenant (its own settings capped by the quota); <c>quotas</c> are the
/// operator's ceiling, the most a tenant may set each limit to.
/// </summary>
public sealed record PolicyResponse(
    int Version,
    IReadOnlyList<PolicyCategoryDto> Categories,
    IReadOnlyList<string> ExcludedCategoryKeys,
    double? Threshold,
    LimitsBody Limits,
    LimitsBody Quotas,
    AuditSettingsBody Audit)
{
    public static PolicyResponse From(TenantPolicy policy, TenantLimits quota, Audit.AuditOptions audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(quota);
        return new(
            policy.Version,
            [.. policy.Policy.Categories.Select(c => new PolicyCategoryDto(c.Code, c.Text, c.Description))],
            policy.Policy.ExcludedCodes,
            policy.Policy.Threshold,
            LimitsBody.From(policy.Limits.Within(quota)),
            LimitsBody.From(quota),
            new AuditSettingsBody(policy.Audit?.StoreContent ?? false, audit.RetentionDaysFor(policy.Audit)));
    }
}

/// <summary>
/// A category as stored: <c>name</c> is the text after <c>code: </c> (it may span lines) and <c>description</c> the
/// optional text rendered on the next line (Meta's policy format), both verbatim; null when there is none.
/// </summary>
public sealed record PolicyCategoryDto(string Code, string Name, string? Description);

/// <summary>
/// Body of <c>PUT /v1/policy</c> (documentation shape). Each field present replaces that part of the policy;
/// an absent field keeps it. Replacing <c>categories</c> resets exclusions unless given too; <c>"threshold": null</c> clears it.
/// <c>categories</c> maps codes to texts (<c>{"S1":"text"}</c> or <c>{"S1":{"name","description"}}</c>); the list that
/// <c>GET</c> answers (<c>[{"code","name","description"}]</c>) is accepted too, so a policy round-trips.
/// <c>version</c>, if given, is the version the update is based on (checked like <c>If-Match</c>). Any other field
/// is refused with 400 <c>unknown_field</c>.
/// </summary>
[ClosedSchema]
public sealed record PolicyUpdateRequest(
    CategoriesInput? Categories = null,
    IReadOnlyList<string>? ExcludedCategoryKeys = null,
    double? Threshold = null,
    LimitsRequest? Limits = null,
    int? Version = null,
    AuditSettingsRequest? Audit = null);
