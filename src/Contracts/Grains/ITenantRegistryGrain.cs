namespace GuardCluster.Contracts.Grains;

/// <summary>
/// The list of tenants behind <c>GET /v1/tenants</c> (one grain, key <see cref="Key"/>). A tenant grain adds itself
/// when it is created and on activation (so tenants stored before the registry existed appear once touched) and
/// removes itself when deleted. It holds ids and creation times only, never keys or policies.
/// </summary>
[Alias("gc.ITenantRegistryGrain")]
public interface ITenantRegistryGrain : IGrainWithStringKey
{
    public const string Key = "tenants";

    /// <summary>Adds or keeps <paramref name="tenantId"/> (idempotent).</summary>
    [Alias("add")]
    Task AddAsync(string tenantId, DateTimeOffset createdAt);

    [Alias("remove")]
    Task RemoveAsync(string tenantId);

    /// <summary>Ordered by id; <paramref name="after"/> is the previous page's last id (its <see cref="TenantPage.NextCursor"/>).</summary>
    [Alias("list")]
    Task<TenantPage> ListAsync(int limit, string? after);
}
