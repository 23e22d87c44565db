using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Tenants;
using Microsoft.Net.Http.Headers;
using GuardCluster.Core;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Auth;

/// <summary>
/// Bearer-key authentication for endpoints marked with <see cref="GuardAccessMetadata"/>. Runs after routing
/// and before the body is read, so unauthenticated requests cost neither parsing nor a grain call beyond the
/// (cached) tenant snapshot. 401 + <c>WWW-Authenticate: Bearer</c> for missing or unknown keys; 403 for a
/// valid key of the wrong kind (tenant key on an admin route, admin key on a tenant route). A client address
/// that failed too often gets 429 <c>rate_limited</c> before its key is even looked at (<see cref="AuthFailureLimiter"/>).
/// </summary>
internal sealed class GuardAuthMiddleware(RequestDelegate next, AdminKey adminKey, TenantDirectory tenants, AuthFailureLimiter failures)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<GuardAccessMetadata>();
        if (required is null)
        {
            await next(context);
            return;
        }

        var token = ApiKeys.ReadBearer(context.Request.Headers.Authorization);
        if (token is null)
        {
            await ChallengeAsync(context, GuardErrorCodes.MissingApiKey, "Send the API key as 'Authorization: Bearer <key>'.");
            return;
        }

        var address = context.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address, out var retryAfter))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await ProblemWriter.WriteAsync(context, new ProblemInfo(
                429, GuardErrorCodes.RateLimited, "Too many failed authentications from this address; wait before retrying.", null, retryAfter));
            return;
        }

        if (adminKey.Matches(token))
        {
            if (required.Access == GuardAccess.Admin)
            {
                await next(context);
                return;
            }

            await ForbidAsync(context, GuardErrorCodes.TenantKeyRequired, "This endpoint acts for a tenant; use the tenant's API key.");
            return;
        }

        if (GuardKeys.TryGetTenantId(token, out var tenantId)
            && await tenants.GetAsync(tenantId) is { } snapshot
            && ApiKeys.MatchesAny(token, snapshot.KeyHashes))
        {
            if (required.Access == GuardAccess.Tenant)
            {
                context.Features.Set(new TenantCaller(tenantId, snapshot));
                await next(context);
                return;
            }

            await ForbidAsync(context, GuardErrorCodes.AdminKeyRequired, "This endpoint requires the admin key.");
            return;
        }

        failures.RecordFailure(address);
        await ChallengeAsync(context, GuardErrorCodes.InvalidApiKey, "The API key is not valid.");
    }

    private static Task ChallengeAsync(HttpContext context, string code, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = code == GuardErrorCodes.MissingApiKey
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        return ProblemWriter.WriteAsync(context, new ProblemInfo(401, code, detail));
    }

    private static Task ForbidAsync(HttpContext context, string code, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return ProblemWriter.WriteAsync(context, new ProblemInfo(403, code, detail));
    }
}
