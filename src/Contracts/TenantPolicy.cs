using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Contracts;

/// <summary>A tenant's classification policy and limits, with a version that increases on every change.</summary>
[GenerateSerializer]
[Alias("gc.TenantPolicy")]
public sealed record TenantPolicy(
    [property: Id(0)] SafetyPolicy Policy,
    [property: Id(1)] TenantLimits Limits,
    [property: Id(2)] int Version)
{
    public static TenantPolicy Initial { get; } = new(SafetyPolicy.Default, TenantLimits.None, 1);

    /// <summary>The tenant's audit-log settings; null (every tenant stored before the audit log existed) = the defaults.</summary>
    [Id(3)]
    public AuditSettings? Audit { get; init; }
}

/// <summary>
/// A tenant's audit-log settings (<c>audit</c> in <c>PUT /v1/policy</c>): whether the checked text itself is stored
/// next to its SHA-256, and how many days entries are kept (0 = not set: the server's default; always capped by the
/// operator's <c>Guard:Audit:MaxRetentionDays</c>).
/// </summary>
[GenerateSerializer]
[Alias("gc.AuditSettings")]
public sealed record AuditSettings(
    [property: Id(0)] bool StoreContent,
    [property: Id(1)] int RetentionDays)
{
    public static AuditSettings Default { get; } = new(false, 0);
}

/// <summary>
/// One set of the eight per-tenant limits. The same shape serves three roles: the limits a tenant sets for
/// itself (<c>PUT /v1/policy</c>; 0 = not set, the quota applies), the operator's overrides
/// (<c>PUT /v1/tenants/{id}/limits</c>; 0 = the server default) and a resolved set where every value is set.
/// The first three fields were stored before quotas existed: they keep their ids and type (Orleans state of old
/// tenants still loads); the rest are later additions with new ids, read as 0 (not set) from old state.
/// </summary>
[GenerateSerializer]
[Alias("gc.TenantLimits")]
public sealed record TenantLimits(
    [property: Id(0)] int MaxMessageChars,
    [property: Id(1)] int MaxTurns,
    [property: Id(2)] int MaxTotalChars)
{
    /// <summary>Nothing set: every value comes from the level above.</summary>
    public static TenantLimits None { get; } = new(0, 0, 0);

    /// <summary>
    /// What every tenant stored before quotas existed carries unless it changed them: the old built-in defaults.
    /// Such a tenant never chose them, so they are read as "not set" (see <c>TenantGrain</c>).
    /// </summary>
    public static TenantLimits Legacy { get; } = new(
        ConversationLimits.Default.MaxMessageChars,
        ConversationLimits.Default.MaxMessages,
        ConversationLimits.Default.MaxTotalChars);

    [Id(3)]
    public int RequestsPerMinute { get; init; }

    [Id(4)]
    public int TokensPerMinute { get; init; }

    [Id(5)]
    public int MaxConcurrentRequests { get; init; }

    [Id(6)]
    public int MaxConversations { get; init; }

    [Id(7)]
    public int MaxBatchItems { get; init; }

    /// <summary>Each value of this set where set (non-zero), else the one of <paramref name="fallback"/>.</summary>
    public TenantLimits Or(TenantLimits fallback) => TenantLimitFields.Combine(this, fallback, (own, other) => own > 0 ? own : other);

    /// <summary>This set's values capped by <paramref name="quota"/> (a resolved set): what applies to the tenant.</summary>
    public TenantLimits Within(TenantLimits quota) =>
        TenantLimitFields.Combine(this, quota, (own, cap) => own > 0 && (cap <= 0 || own < cap) ? own : cap);

    /// <summary>The content limits the validators use; values not set fall back to the built-in defaults.</summary>
    public ConversationLimits ToConversationLimits() => new()
    {
        MaxMessageChars = MaxMessageChars > 0 ? MaxMessageChars : ConversationLimits.Default.MaxMessageChars,
        MaxMessages = MaxTurns > 0 ? MaxTurns : ConversationLimits.Default.MaxMessages,
        MaxTotalChars = MaxTotalChars > 0 ? MaxTotalChars : ConversationLimits.Default.MaxTotalChars,
    };
}
