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
    /// Replaces the operator's quota overrides (0 = the server default). The tenant's own limits keep their values
    /// and are capped by the new quota where they are higher.
    /// </summary>
    [Alias("set-quotas")]
    Task<TenantSnapshot> SetQuotasAsync(TenantLimits overrides);
}
