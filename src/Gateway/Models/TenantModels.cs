using GuardCluster.Contracts;

namespace GuardCluster.Gateway.Models;

/// <summary>Answer to create and rotate: the only time the plain key is shown.</summary>
public sealed record TenantKeyResponse(string Id, string ApiKey);

/// <summary><c>limits</c>: the operator's quota per limit name, with whether it is the server default.</summary>
public sealed record TenantInfoResponse(
    string Id,
    DateTimeOffset CreatedAt,
    int PolicyVersion,
    int KeyCount,
    IReadOnlyDictionary<string, QuotaValue> Limits)
{
    public static TenantInfoResponse From(TenantSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(
            snapshot.Id,
            snapshot.CreatedAt,
            snapshot.Policy.Version,
            snapshot.KeyHashes.Count,
            TenantLimitFields.All.ToDictionary(
                f => f.Name,
                f => new QuotaValue(f.Get(snapshot.Quota), f.Get(snapshot.QuotaOverrides) == 0),
                StringComparer.Ordinal));
    }
}

/// <summary>One quota: the value that applies and whether it comes from the server default (<c>Guard:Limits</c>).</summary>
public sealed record QuotaValue(int Value, bool IsDefault);

/// <summary>Body of <c>POST /v1/tenants</c> (documentation shape; the handler reads JSON strictly).</summary>
/// <param name="Id">1-63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit.</param>
[ClosedSchema]
public sealed record CreateTenantRequest(string Id);

/// <summary>One tenant in <c>GET /v1/tenants</c>.</summary>
public sealed record TenantSummary(string Id, DateTimeOffset CreatedAt);

/// <summary>A page of tenants in id order; <c>next_cursor</c> is null on the last page.</summary>
public sealed record TenantListResponse(IReadOnlyList<TenantSummary> Data, string? NextCursor, int Total);
