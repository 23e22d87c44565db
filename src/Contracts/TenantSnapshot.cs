namespace GuardCluster.Contracts;

/// <summary>
/// What the gateway caches about a tenant: key hashes (never keys), the policy, and the operator's quota
/// (<see cref="Quota"/>, resolved against the server defaults by the tenant grain, so API hosts need no
/// copy of those defaults).
/// </summary>
[GenerateSerializer]
[Alias("gc.TenantSnapshot")]
public sealed record TenantSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<string> KeyHashes,
    [property: Id(2)] TenantPolicy Policy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string Incarnation)
{
    /// <summary>The operator's quota with every value set (overrides, else the server defaults).</summary>
    [Id(5)]
    public TenantLimits Quota { get; init; } = TenantLimits.None;

    /// <summary>The operator's overrides as stored (0 = the server default applies).</summary>
    [Id(6)]
    public TenantLimits QuotaOverrides { get; init; } = TenantLimits.None;

    /// <summary>What applies to this tenant: its own limits, capped by the quota.</summary>
    public TenantLimits Limits => Policy.Limits.Within(Quota);

    /// <summary>
    /// The scope of this tenant's conversations. It changes when a tenant is deleted and created again, so a new
    /// owner of a reused tenant id never sees the old tenant's histories.
    /// </summary>
    public string ConversationScope => $"{Id}~{Incarnation}";
}

/// <summary>Returned once at creation or rotation: the only time the plain API key exists outside the caller.</summary>
[GenerateSerializer]
[Alias("gc.IssuedKey")]
public sealed record IssuedKey(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ApiKey);
