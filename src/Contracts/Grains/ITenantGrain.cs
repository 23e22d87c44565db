namespace GuardCluster.Contracts.Grains;

/// <summary>A tenant: its API key hashes, policy and quota. Keyed by tenant id. Deleting it deletes everything it owns.</summary>
[Alias("gc.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant and issues its first key; conflict if it exists.</summary>
    [Alias("create")]
    Task<IssuedKey> CreateAsync();

    [Alias("get")]
    Task<TenantSnapshot?> GetAsync();

    [Alias("delete")]
    Task<bool> DeleteAsync();

    /// <summary>Replaces every key with a new one (old keys stop working at once).</summary>
    [Alias("rotate")]
    Task<IssuedKey> RotateKeyAsync();

    /// <summary>Validates and stores a new policy; returns it with the next version.</summary>
    [Alias("set-policy")]
    Task<TenantPolicy> SetPolicyAsync(TenantPolicy policy);

    /// <summary>
    /// Merges <paramref name="patch"/> into the stored policy, validates and stores it with the next version, all in
    /// one grain turn (concurrent partial updates never lose fields). With <paramref name="ifVersions"/> set, the
    /// stored version must be one of them, else <see cref="RejectionKind.PreconditionFailed"/> and nothing changes.
    /// </summary>
    [Alias("update-policy")]
    Task<TenantPolicy> UpdatePolicyAsync(PolicyPatch patch, int[]? ifVersions);

    /// <summary>
    /// Replaces the operator's quota overrides (0 = the server default). The tenant's own limits keep their values
    /// and are capped by the new quota where they are higher.
    /// </summary>
    [Alias("set-quotas")]
    Task<TenantSnapshot> SetQuotasAsync(TenantLimits overrides);
}
