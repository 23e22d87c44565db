namespace GuardCluster.Gateway.Models;

/// <summary>Answer to create and rotate: the only time the plain key is shown.</summary>
public sealed record TenantKeyResponse(string Id, string ApiKey);

public sealed record TenantInfoResponse(string Id, DateTimeOffset CreatedAt, int PolicyVersion, int KeyCount);

/// <summary>Body of <c>POST /v1/tenants</c> (documentation shape; the handler reads JSON strictly).</summary>
public sealed record CreateTenantRequest(string Id);
