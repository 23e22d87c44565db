using GuardCluster.Contracts;

namespace GuardCluster.Grains;

[GenerateSerializer]
[Alias("gc.TenantRegistryState")]
public sealed class TenantRegistryState
{
    /// <summary>Ordinal id order: the order <c>GET /v1/tenants</c> pages through.</summary>
    [Id(0)]
    public List<TenantEntry> Entries { get; set; } = [];
}
