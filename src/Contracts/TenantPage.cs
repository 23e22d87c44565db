namespace GuardCluster.Contracts;

[GenerateSerializer]
[Alias("gc.TenantEntry")]
public sealed record TenantEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset CreatedAt);

/// <summary>One page of tenants in id order; <see cref="NextCursor"/> is null on the last page.</summary>
[GenerateSerializer]
[Alias("gc.TenantPage")]
public sealed record TenantPage(
    [property: Id(0)] IReadOnlyList<TenantEntry> Items,
    [property: Id(1)] string? NextCursor,
    [property: Id(2)] int Total);
