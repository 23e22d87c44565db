using System.Security.Cryptography;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Text;
using GuardCluster.Contracts.Grains;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Models;
using GuardCluster.Gateway.OpenApi;
using GuardCluster.Gateway.Moderation;
using GuardCluster.Gateway.Quotas;
using GuardCluster.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// OpenAI-compatible <c>POST /v1/moderations</c>, so OpenAI SDKs can point at GuardCluster unchanged. Each input
/// (a string, or an array of content parts taken together) is one user message classified under the tenant's
/// policy, one result per input, in order. Blank inputs are answered unflagged without a model call (Llama Guard
/// has nothing to judge; OpenAI accepts them). <c>model</c> in the answer names the model that judged, whatever
/// the request asked for. Errors here use OpenAI's error shape (<see cref="Errors.ErrorFormats"/>).
/// </summary>
public static class ModerationsApi
{
    /// <summary>The answer's <c>model</c> when no input needed the model (all blank): the gateway does not know the silos' model.</summary>
    public const string DefaultModel = "llama-guard-3-1b";

    public static RouteGroupBuilder MapModerationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/moderations").WithTags("OpenAI compatible").RequireTenant();
        group.MapPost("", ModerateAsync).Accepts<ModerationRequest>("application/json").WithName("createModeration").WithOpenAiErrors();
        return group;
    }

    /// <summary>Classifies text the way OpenAI's moderation API does (OpenAI SDKs work unchanged).</summary>
    /// <remarks>One result per input, in order. Errors use OpenAI's shape <c>{"error":{"message","type","param","code"}}</c>.</remarks>
    internal static async Task<Ok<ModerationResponse>> ModerateAsync(
        TenantCaller tenant,
        HttpRequest request,
        IGrainFactory grains,
        WorkerKeys keys,
        TenantQuotaGate quotas,
        IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var parsed = ModerationInput.Parse(JsonBody.RequireObject(body), TenantQuotaGate.MaxBatchItems(tenant, options.Value));
        var limits = tenant.Limits.ToConversationLimits();
        var policy = tenant.Policy.Policy;

        var conversations = parsed.Inputs.Select(item => ToConversation(item, limits)).ToArray();
        using var lease = quotas.Enter(tenant, checks: conversations.Count(c => c is not null));
        var tasks = conversations.Select(async (conversation, index) =>
        {
            if (conversation is null)
            {
                return (Result: ModerationMapper.Unflagged(policy), Model: (string?)null);
            }

            // OpenAI reports a probability for every category on every result, safe ones included.
            var check = new GuardRequest(conversation, policy, TenantId: tenant.Id, ScoreSafeVerdicts: true);
            var verdict = (await TransientRetry.OnceAsync(
                () => grains.GetGrain<IGuardWorkerGrain>(keys.Next()).ClassifyAsync(check, cancellationToken), cancellationToken)).Verdict;
            lease.ChargePromptTokens(verdict.Usage.PromptTokens);
            var item = parsed.Inputs[index];
            AuditCapture.Add(request.HttpContext, AuditEndpoints.Moderation, item.Text, verdict, tenant.Policy.Version, item: item.Index);
            return (Result: ModerationMapper.FromVerdict(verdict, policy), Model: (string?)verdict.Model);
        });
        var results = await Task.WhenAll(tasks);

        var model = results.Select(r => r.Model).FirstOrDefault(m => !string.IsNullOrEmpty(m)) ?? DefaultModel;
        return TypedResults.Ok(new ModerationResponse(NewId(), model, [.. results.Select(r => r.Result)]));
    }

    /// <summary>A one-message conversation, validated up front (null for blank text); errors point at the input.</summary>
    private static Conversation? ToConversation(ModerationItem item, ConversationLimits limits)
    {
        if (PythonText.IsBlank(item.Text))
        {
            return null;
        }

        var conversation = new Conversation([ChatMessage.User(item.Text)]);
        try
        {
            ConversationValidator.Validate(conversation, limits);
        }
        catch (GuardValidationException error)
        {
            throw new GuardValidationException(error.Code, error.Message, item.Path, error.IsLimit);
        }

        return conversation;
    }

    private static string NewId() => "modr-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
