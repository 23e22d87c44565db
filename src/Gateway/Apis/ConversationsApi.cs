using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Core.Serialization;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.OpenApi;
using GuardCluster.Gateway.Quotas;
using GuardCluster.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// Stateful conversations: each message is checked in the context of the whole history by the conversation
/// grain (keyed <c>tenant/conversation</c>, so tenants never share one), which calls the worker on its own silo.
/// </summary>
public static class ConversationsApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/conversations").WithTags("Conversations").RequireTenant();
        group.MapGet("", ListAsync).WithName("listConversations").ProducesErrors(400, 422);
        group.MapPost("/{id}/messages", AppendAsync).Accepts<AppendRequest>("application/json").WithName("appendConversationMessage").ProducesErrors(409);
        group.MapGet("/{id}", GetAsync).WithName("getConversation");
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteConversation");
        return group;
    }

    /// <summary>Appends a message to a conversation and classifies it in the context of the whole history.</summary>
    /// <remarks>
    /// The conversation is created by its first message. Roles must alternate, starting with <c>user</c>. With a
    /// <c>message_id</c> the call is idempotent: a retry is answered from history (<c>replayed: true</c>); the same id with a
    /// different message is 409 <c>message_id_conflict</c>.
    /// </remarks>
    internal static async Task<Ok<AppendResponse>> AppendAsync(
        string id,
        TenantCaller tenant,
        HttpRequest request,
        IGrainFactory grains,
        TenantQuotaGate quotas,
        IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        RequireConversationId(id);
        using var body = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var message = ParseMessage(JsonBody.RequireObject(body));
        using var lease = quotas.Enter(tenant, checks: 1);

        // The grain applies the limits that apply (own settings within the quota), including max_conversations.
        // A turn with a message_id is idempotent (a stored id is replayed), so a transient cluster error is retried
        // once here; without one a retry could store the message twice, so the client decides.
        var grain = Grain(grains, tenant, id);
        var turn = message.MessageId is null
            ? await grain.AppendAsync(message, tenant.EffectivePolicy, cancellationToken)
            : await TransientRetry.OnceAsync(() => grain.AppendAsync(message, tenant.EffectivePolicy, cancellationToken), cancellationToken);
        var stored = turn.Message;
        if (!turn.Replayed)
        {
            lease.ChargePromptTokens(stored.Verdict.Usage.PromptTokens);
            AuditCapture.Add(request.HttpContext, AuditEndpoints.Conversation, stored.Content, stored.Verdict, stored.PolicyVersion, id, stored.MessageId);
        }

        return TypedResults.Ok(new AppendResponse(VerdictJson.ToDto(stored.Verdict), stored.PolicyVersion, stored.Turn, turn.Replayed));
    }

    /// <summary>Lists the calling tenant's conversations, newest first.</summary>
    /// <remarks><c>limit</c> is 1-100 (default 20); <c>cursor</c> is the previous page's <c>next_cursor</c>.</remarks>
    internal static async Task<Ok<ConversationListResponse>> ListAsync(TenantCaller tenant, IGrainFactory grains, int? limit, string? cursor)
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            throw new GatewayProblemException(422, GuardErrorCodes.InvalidLimit, $"'limit' must be from 1 to {MaxPageSize}.", "limit");
        }

        if (cursor is not null && (cursor.Length is 0 or > 512))
        {
            throw new GatewayProblemException(422, GuardErrorCodes.InvalidCursor, "The cursor is not one this API returned.", "cursor");
        }

        var page = await grains.GetGrain<IConversationIndexGrain>(tenant.Snapshot.ConversationScope).ListAsync(size, cursor);
        return TypedResults.Ok(new ConversationListResponse(
            [.. page.Items.Select(e => new ConversationSummary(e.Id, e.CreatedAt))], page.NextCursor, page.Total));
    }

    /// <summary>Reads a conversation: every message with its verdict.</summary>
    internal static async Task<Ok<ConversationResponse>> GetAsync(string id, TenantCaller tenant, IGrainFactory grains)
    {
        RequireConversationId(id);
        var view = await Grain(grains, tenant, id).GetAsync() ?? throw NotFound(id);
        return TypedResults.Ok(new ConversationResponse(id, [.. view.Messages.Select(ConversationMessageView.From)]));
    }

    /// <summary>Deletes a conversation and its history.</summary>
    internal static async Task<NoContent> DeleteAsync(string id, TenantCaller tenant, IGrainFactory grains)
    {
        RequireConversationId(id);
        return await Grain(grains, tenant, id).DeleteAsync() ? TypedResults.NoContent() : throw NotFound(id);
    }

    /// <summary>
    /// <c>{"role","content","message_id"?}</c>. Content is one string: a stored turn is one text. Contract
    /// checks that need the history (alternation, total size) are the grain's.
    /// </summary>
    public static AppendMessage ParseMessage(JsonElement root)
    {
        JsonBody.AllowOnly(root, null, "role", "content", "message_id");
        var role = GuardInputJson.ParseRole(JsonBody.Required(root, "role"), "role");
        var content = JsonBody.RequireString(JsonBody.Required(root, "content"), "content");
        string? messageId = null;
        if (JsonBody.Optional(root, "message_id") is { } idElement)
        {
            messageId = JsonBody.RequireString(idElement, "message_id");
            if (!GuardIds.IsMessageId(messageId))
            {
                throw new GatewayProblemException(
                    422, GuardErrorCodes.InvalidMessageId, GuardIds.MessageIdRule, "message_id");
            }
        }

        return new AppendMessage(role, content, messageId);
    }

    private static IConversationGrain Grain(IGrainFactory grains, TenantCaller tenant, string id) =>
        grains.GetGrain<IConversationGrain>(ConversationKey.For(tenant.Snapshot.ConversationScope, id));

    private static void RequireConversationId(string id)
    {
        if (!GuardIds.IsConversationId(id))
        {
            throw new GatewayProblemException(
                422, GuardErrorCodes.InvalidConversationId, GuardIds.ConversationIdRule, "id");
        }
    }

    private static GatewayProblemException NotFound(string id) =>
        new(404, GuardErrorCodes.ConversationNotFound, $"Conversation '{id}' does not exist.", "id");
}
