namespace GuardCluster.Contracts;

/// <summary>What the gateway caches about a tenant: key hashes (never keys) and the policy.</summary>
[GenerateSerializer]
[Alias("gc.TenantSnapshot")]
public sealed record TenantSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<string> KeyHashes,
    [property: Id(2)] TenantPolicy Policy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string Incarnation)
{
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
