using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.OpenApi;
using GuardCluster.Gateway.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// A tenant's policy for the operator (admin key): the same body, answer, <c>ETag</c> and <c>If-Match</c> rules as the
/// tenant's own <c>/v1/policy</c>, so an operator can set up a tenant without holding its key (<c>guardctl tenants policy</c>).
/// Reads go to the tenant grain directly, like the other admin reads.
/// </summary>
public static class TenantPolicyApi
{
    public static RouteGroupBuilder MapTenantPolicyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tenants").WithTags("Tenants").RequireAdmin();
        group.MapGet("/{id}/policy", GetAsync).WithName("getTenantPolicy").WithPolicyVersionHeaders(acceptsIfMatch: false);
        group.MapPut("/{id}/policy", PutAsync).Accepts<PolicyUpdateRequest>("application/json").WithName("updateTenantPolicy")
            .ProducesErrors(412).WithPolicyVersionHeaders(acceptsIfMatch: true);
        return group;
    }

    /// <summary>Reads a tenant's policy (admin key).</summary>
    /// <remarks>The same answer and <c>ETag</c> as the tenant's own <c>GET /v1/policy</c>.</remarks>
    internal static async Task<Ok<PolicyResponse>> GetAsync(string id, HttpResponse response, IGrainFactory grains, IOptions<AuditOptions> audit)
    {
        TenantsApi.RequireTenantId(id);
        var snapshot = await grains.GetGrain<ITenantGrain>(id).GetAsync() ?? throw TenantsApi.NotFound(id);
        response.Headers[HeaderNames.ETag] = PolicyUpdate.ETag(snapshot.Policy.Version);
        return TypedResults.Ok(PolicyResponse.From(snapshot.Policy, snapshot.Quota, audit.Value));
    }

    /// <summary>Updates a tenant's policy (admin key).</summary>
    /// <remarks>
    /// The same body and rules as the tenant's own <c>PUT /v1/policy</c>: fields present replace the stored ones, the
    /// version goes up by one, and <c>If-Match</c> with a stale version answers 412 <c>precondition_failed</c>.
    /// </remarks>
    internal static async Task<Ok<PolicyResponse>> PutAsync(
        string id,
        HttpRequest request,
        IGrainFactory grains,
        TenantDirectory directory,
        IOptions<GatewayOptions> options,
        IOptions<AuditOptions> audit,
        CancellationToken cancellationToken)
    {
        TenantsApi.RequireTenantId(id);
        var stored = await PolicyUpdate.StoreAsync(
            id, request, grains, directory, options.Value.MaxBodyBytes, audit.Value.MaxRetentionDays, cancellationToken);
        var quota = (await grains.GetGrain<ITenantGrain>(id).GetAsync())?.Quota ?? throw TenantsApi.NotFound(id);
        return TypedResults.Ok(PolicyResponse.From(stored, quota, audit.Value));
    }
}
