namespace GuardCluster.Contracts.Grains;

/// <summary>A tenant: its API key hashes and policy. Keyed by tenant id.</summary>
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
}
