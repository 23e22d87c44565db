using GuardCluster.Contracts.Grains;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.OpenApi;
using GuardCluster.Gateway.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// The calling tenant's policy: categories, exclusions, threshold and limits. GET and PUT answer with an
/// <c>ETag</c> (the quoted version); PUT honours <c>If-Match</c> (412 <c>precondition_failed</c> when the stored
/// version differs). The merge of a partial PUT happens inside the tenant grain, so concurrent partial updates
/// never lose each other's fields even without <c>If-Match</c>.
/// </summary>
public static class PolicyApi
{
    public static RouteGroupBuilder MapPolicyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/policy").WithTags("Policy").RequireTenant();
        group.MapGet("", Get).WithName("getPolicy").WithPolicyVersionHeaders(acceptsIfMatch: false);
        group.MapPut("", PutAsync).Accepts<PolicyUpdateRequest>("application/json").WithName("updatePolicy").ProducesErrors(412).WithPolicyVersionHeaders(acceptsIfMatch: true);
        return group;
    }

    /// <summary>Reads the calling tenant's policy.</summary>
    /// <remarks>The <c>ETag</c> header carries the version, for a later <c>If-Match</c>.</remarks>
    internal static Ok<PolicyResponse> Get(TenantCaller tenant, HttpResponse response, IOptions<AuditOptions> audit)
    {
        response.Headers[HeaderNames.ETag] = PolicyUpdate.ETag(tenant.Policy.Version);
        return TypedResults.Ok(PolicyResponse.From(tenant.Policy, tenant.Snapshot.Quota, audit.Value));
    }

    /// <summary>Updates the calling tenant's policy (partial update).</summary>
    /// <remarks>
    /// Each field present replaces its part; absent fields keep theirs. New categories drop the old exclusions unless
    /// <c>excluded_category_keys</c> is given with them; <c>"threshold": null</c> clears the threshold. <c>If-Match</c>
    /// (or <c>version</c> in the body) makes the update conditional: 412 <c>precondition_failed</c> when the stored
    /// version differs.
    /// </remarks>
    internal static async Task<Ok<PolicyResponse>> PutAsync(
        TenantCaller tenant,
        HttpRequest request,
        IGrainFactory grains,
        TenantDirectory directory,
        IOptions<GatewayOptions> options,
        IOptions<AuditOptions> audit,
        CancellationToken cancellationToken)
    {
        var stored = await PolicyUpdate.StoreAsync(
            tenant.Id, request, grains, directory, options.Value.MaxBodyBytes, audit.Value.MaxRetentionDays, cancellationToken);
        return TypedResults.Ok(PolicyResponse.From(stored, tenant.Snapshot.Quota, audit.Value));
    }
}
