using GuardCluster.Contracts.Grains;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Apis;

/// <summary>The calling tenant's policy: categories, exclusions, threshold and limits.</summary>
public static class PolicyApi
{
    public static RouteGroupBuilder MapPolicyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/policy").WithTags("Policy").RequireTenant();
        group.MapGet("", Get);
        group.MapPut("", PutAsync).Accepts<PolicyUpdateRequest>("application/json");
        return group;
    }

    private static Ok<PolicyResponse> Get(TenantCaller tenant) => TypedResults.Ok(PolicyResponse.From(tenant.Policy, tenant.Snapshot.Quota));

    private static async Task<Ok<PolicyResponse>> PutAsync(
        TenantCaller tenant,
        HttpRequest request,
        IGrainFactory grains,
        TenantDirectory directory,
        IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var updated = PolicyUpdate.Apply(JsonBody.RequireObject(body), tenant.Policy);
        try
        {
            var stored = await grains.GetGrain<ITenantGrain>(tenant.Id).SetPolicyAsync(updated);
            return TypedResults.Ok(PolicyResponse.From(stored, tenant.Snapshot.Quota));
        }
        finally
        {
            // Even a failed write may have landed; never keep serving a policy this host knows is being replaced.
            directory.Invalidate(tenant.Id);
        }
    }
}
