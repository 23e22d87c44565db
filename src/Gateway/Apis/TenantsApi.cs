using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.OpenApi;
using GuardCluster.Gateway.Quotas;
using GuardCluster.Gateway.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using GuardCluster.Core;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Apis;

/// <summary>Tenant lifecycle (admin key). Reads go to the tenant grain directly: admins see fresh state.</summary>
public static class TenantsApi
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tenants").WithTags("Tenants").RequireAdmin();
        group.MapPost("", CreateAsync).Accepts<CreateTenantRequest>("application/json").WithName("createTenant").ProducesErrors(409);
        group.MapGet("", ListAsync).WithName("listTenants").ProducesErrors(400, 422);
        group.MapGet("/{id}", GetAsync).WithName("getTenant");
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteTenant");
        group.MapPost("/{id}/keys", RotateAsync).WithName("rotateTenantKeys");
        group.MapPut("/{id}/limits", SetLimitsAsync).Accepts<LimitsRequest>("application/json").WithName("setTenantLimits");
        return group;
    }

    /// <summary>Creates a tenant and returns its first API key.</summary>
    /// <remarks>
    /// The key is shown only here (and on rotation); store it. The tenant starts with the default policy (S1..S13) and the
    /// server's default quotas. 409 <c>tenant_exists</c> when the id is taken.
    /// </remarks>
    internal static async Task<Created<TenantKeyResponse>> CreateAsync(
        HttpRequest request, IGrainFactory grains, TenantDirectory directory, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var root = JsonBody.RequireObject(body);
        JsonBody.AllowOnly(root, null, "id");
        var id = JsonBody.RequireString(JsonBody.Required(root, "id"), "id");
        RequireTenantId(id);
        var issued = await grains.GetGrain<ITenantGrain>(id).CreateAsync();
        directory.Invalidate(id);
        return TypedResults.Created($"/v1/tenants/{id}", new TenantKeyResponse(issued.TenantId, issued.ApiKey));
    }

    /// <summary>Lists every tenant, in id order.</summary>
    /// <remarks>
    /// Ids and creation times only (never keys). <c>limit</c> is 1..1000 (default 100); <c>cursor</c> is the previous
    /// page's <c>next_cursor</c>, null on the last page. Tenants stored before the list existed appear once they are used.
    /// </remarks>
    internal static async Task<Ok<TenantListResponse>> ListAsync(IGrainFactory grains, int? limit, string? cursor)
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            throw new GatewayProblemException(422, GuardErrorCodes.InvalidLimit, $"'limit' must be from 1 to {MaxPageSize}.", "limit");
        }

        if (cursor is not null && !GuardIds.IsTenantId(cursor))
        {
            throw new GatewayProblemException(422, GuardErrorCodes.InvalidCursor, "The cursor is not one this API returned.", "cursor");
        }

        var page = await grains.GetGrain<ITenantRegistryGrain>(ITenantRegistryGrain.Key).ListAsync(size, cursor);
        return TypedResults.Ok(new TenantListResponse(
            [.. page.Items.Select(e => new TenantSummary(e.Id, e.CreatedAt))], page.NextCursor, page.Total));
    }

    /// <summary>Reads a tenant: creation time, policy version, key count and quotas.</summary>
    internal static async Task<Ok<TenantInfoResponse>> GetAsync(string id, IGrainFactory grains)
    {
        RequireTenantId(id);
        var snapshot = await grains.GetGrain<ITenantGrain>(id).GetAsync() ?? throw NotFound(id);
        return TypedResults.Ok(TenantInfoResponse.From(snapshot));
    }

    /// <summary>Replaces a tenant's quotas.</summary>
    /// <remarks>
    /// Every limit present is set, every limit absent or null goes back to the server default (<c>Guard:Limits</c>).
    /// The tenant's own lower settings stay and keep applying where lower.
    /// </remarks>
    internal static async Task<Ok<TenantInfoResponse>> SetLimitsAsync(
        string id, HttpRequest request, IGrainFactory grains, TenantDirectory directory, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        RequireTenantId(id);
        using var body = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var overrides = LimitsJson.Parse(JsonBody.RequireObject(body), TenantLimits.None, "$");
        try
        {
            return TypedResults.Ok(TenantInfoResponse.From(await grains.GetGrain<ITenantGrain>(id).SetQuotasAsync(overrides)));
        }
        finally
        {
            directory.Invalidate(id);
        }
    }

    /// <summary>Deletes a tenant, its keys, conversations and audit entries.</summary>
    internal static async Task<NoContent> DeleteAsync(string id, IGrainFactory grains, TenantDirectory directory, AuditPurge audit)
    {
        RequireTenantId(id);
        var deleted = await grains.GetGrain<ITenantGrain>(id).DeleteAsync();
        directory.Invalidate(id);
        if (deleted)
        {
            await audit.DeleteTenantAsync(id);
        }

        return deleted ? TypedResults.NoContent() : throw NotFound(id);
    }

    /// <summary>Replaces every API key of a tenant and returns the new one.</summary>
    /// <remarks>Old keys stop working on this gateway at once, on other gateways within the tenant cache TTL.</remarks>
    internal static async Task<Ok<TenantKeyResponse>> RotateAsync(string id, IGrainFactory grains, TenantDirectory directory)
    {
        RequireTenantId(id);
        var issued = await grains.GetGrain<ITenantGrain>(id).RotateKeyAsync();
        directory.Invalidate(id);
        return TypedResults.Ok(new TenantKeyResponse(issued.TenantId, issued.ApiKey));
    }

    internal static void RequireTenantId(string id)
    {
        if (!GuardIds.IsTenantId(id))
        {
            throw new GatewayProblemException(
                422,
                GuardErrorCodes.InvalidTenantId,
                GuardIds.TenantIdRule,
                "id");
        }
    }

    internal static GatewayProblemException NotFound(string id) =>
        new(404, GuardErrorCodes.TenantNotFound, $"Tenant '{id}' does not exist.", "id");
}
