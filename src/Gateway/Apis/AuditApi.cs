using System.Globalization;
using GuardCluster.Contracts.Grains;
using GuardCluster.Contracts.Identity;
using GuardCluster.Core;
using GuardCluster.Core.Policies;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// The audit log: <c>GET /v1/audit</c> (the calling tenant's entries) and <c>GET /v1/tenants/{id}/audit</c> (admin key,
/// any tenant's), newest first, one page at a time with a keyset cursor. Query parameters are parsed strictly like
/// bodies: an unknown or repeated one is 400 (<c>unknown_field</c>, <c>duplicate_property</c>), a value that cannot be
/// read is 400 <c>invalid_query_parameter</c>; <c>limit</c> and <c>cursor</c> answer like <c>GET /v1/conversations</c>
/// (422 <c>invalid_limit</c>, <c>invalid_cursor</c>). Each host reads its own store (see docs/operations.md, "Audit log").
/// </summary>
public static class AuditApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private static readonly string[] Parameters = ["from", "to", "verdict", "category", "conversation_id", "limit", "cursor"];
    private static readonly string[] Verdicts = ["safe", "unsafe", "indeterminate"];

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/audit").WithTags("Audit").RequireTenant().MapGet("", TenantAsync).WithName("listAudit").ProducesErrors(400, 404, 422).WithAuditQueryParameters();
        app.MapGroup("/v1/tenants").WithTags("Audit").RequireAdmin().MapGet("/{id}/audit", AdminAsync).WithName("listTenantAudit").ProducesErrors(400).WithAuditQueryParameters();
        return app;
    }

    /// <summary>Lists the calling tenant's audit entries, newest first.</summary>
    /// <remarks>
    /// Filters: <c>from</c>/<c>to</c> (ISO 8601), <c>verdict</c>, <c>category</c>, <c>conversation_id</c>; paging: <c>limit</c>
    /// (1-200, default 50) and <c>cursor</c>. Unknown or repeated parameters are 400. 404 <c>audit_disabled</c> when this host
    /// keeps no audit log.
    /// </remarks>
    internal static Task<Ok<AuditListResponse>> TenantAsync(TenantCaller tenant, HttpRequest request, AuditWriter writer, [FromServices] IAuditStore? store, CancellationToken cancellationToken) =>
        QueryAsync(tenant.Id, tenant.Snapshot.Incarnation, request, writer, store, cancellationToken);

    /// <summary>Lists any tenant's audit entries, newest first (admin key).</summary>
    /// <remarks>The same filters and paging as <c>GET /v1/audit</c>.</remarks>
    internal static async Task<Ok<AuditListResponse>> AdminAsync(string id, HttpRequest request, IGrainFactory grains, AuditWriter writer, [FromServices] IAuditStore? store, CancellationToken cancellationToken)
    {
        if (!GuardIds.IsTenantId(id))
        {
            throw new GatewayProblemException(422, GuardErrorCodes.InvalidTenantId, GuardIds.TenantIdRule, "id");
        }

        var snapshot = await grains.GetGrain<ITenantGrain>(id).GetAsync()
            ?? throw new GatewayProblemException(404, GuardErrorCodes.TenantNotFound, $"Tenant '{id}' does not exist.", "id");
        return await QueryAsync(id, snapshot.Incarnation, request, writer, store, cancellationToken);
    }

    private static async Task<Ok<AuditListResponse>> QueryAsync(string tenant, string incarnation, HttpRequest request, AuditWriter writer, IAuditStore? store, CancellationToken cancellationToken)
    {
        var query = Parse(request.Query, tenant, incarnation);
        if (!writer.Enabled || store is null)
        {
            throw new GatewayProblemException(404, GuardErrorCodes.AuditDisabled, "This host keeps no audit log (Guard:Audit:Provider is none).", null);
        }

        AuditPage page;
        try
        {
            page = await store.QueryAsync(query, cancellationToken);
        }
#pragma warning disable CA1031 // Any store failure is one answer: 503 audit_unavailable.
        catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
        {
            // The store is down or unreadable: say so plainly; classification goes on without it.
            throw new GatewayProblemException(503, GuardErrorCodes.AuditUnavailable, "The audit store cannot be read right now.", null);
        }

        return TypedResults.Ok(new AuditListResponse([.. page.Entries.Select(AuditEntryDto.From)], page.Next?.Encode()));
    }

    /// <summary>Reads the query string strictly (see the class summary).</summary>
    public static AuditQuery Parse(IQueryCollection query, string tenant, string incarnation)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var (name, values) in query)
        {
            if (!Parameters.Contains(name, StringComparer.Ordinal))
            {
                throw new GuardValidationException(GuardErrorCodes.UnknownField, $"'{name}' is not a parameter of this endpoint (allowed: {string.Join(", ", Parameters)}).", name);
            }

            if (values.Count > 1)
            {
                throw new GuardValidationException(GuardErrorCodes.DuplicateProperty, $"'{name}' is given more than once.", name);
            }
        }

        var from = Time(query, "from");
        var to = Time(query, "to");
        if (from is not null && to is not null && from >= to)
        {
            throw Invalid("to", "'from' must be before 'to'.");
        }

        var verdict = Value(query, "verdict");
        if (verdict is not null && !Verdicts.Contains(verdict, StringComparer.Ordinal))
        {
            throw Invalid("verdict", "'verdict' must be safe, unsafe or indeterminate.");
        }

        var category = Value(query, "category");
        if (category is not null && !CategoryCode.IsValid(category))
        {
            throw Invalid("category", "'category' must be a category code such as S1.");
        }

        var conversation = Value(query, "conversation_id");
        if (conversation is not null && !GuardIds.IsConversationId(conversation))
        {
            throw Invalid("conversation_id", GuardIds.ConversationIdRule);
        }

        var limit = DefaultPageSize;
        if (Value(query, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            {
                throw Invalid("limit", "'limit' must be an integer.");
            }

            if (limit is < 1 or > MaxPageSize)
            {
                throw new GatewayProblemException(422, GuardErrorCodes.InvalidLimit, $"'limit' must be from 1 to {MaxPageSize}.", "limit");
            }
        }

        AuditCursor? after = null;
        if (query.ContainsKey("cursor") && !AuditCursor.TryDecode(query["cursor"].ToString(), out after))
        {
            throw new GatewayProblemException(422, GuardErrorCodes.InvalidCursor, "The cursor is not one this API returned.", "cursor");
        }

        return new AuditQuery(tenant, incarnation, limit, from, to, verdict, category, conversation, after);
    }

    private static string? Value(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (Value(query, name) is not { } text)
        {
            return null;
        }

        // ISO 8601 with a date and a time; no offset means UTC.
        return text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw Invalid(name, $"'{name}' must be an ISO 8601 time such as 2026-01-31T12:00:00Z.");
    }

    private static GatewayProblemException Invalid(string name, string detail) => new(400, GuardErrorCodes.InvalidQueryParameter, detail, name);
}
