using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Core.Policies;
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

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// Single-shot classification. Per-request <c>categories</c>/<c>excluded_category_keys</c>/<c>threshold</c>
/// narrow or replace the tenant policy for this call only; size limits always come from the tenant policy.
/// Batch: every item is parsed and validated before any is classified, and one bad item rejects the whole
/// request (status by the item's error class, <c>path</c> prefixed <c>items[i].</c>), so a client never pays
/// for half a batch. Results keep item order.
/// </summary>
public static class ClassifyApi
{
    public const string SiloHeader = "X-Guard-Silo";

    public static RouteGroupBuilder MapClassifyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/classify").WithTags("Classify").RequireTenant();
        group.MapPost("", ClassifyAsync).Accepts<ClassifyRequest>("application/json").WithName("classify");
        group.MapPost("/batch", ClassifyBatchAsync).Accepts<BatchRequest>("application/json").WithName("classifyBatch");
        return group;
    }

    /// <summary>Classifies the last turn of a conversation.</summary>
    /// <remarks>
    /// <c>categories</c>, <c>excluded_category_keys</c> and <c>threshold</c> narrow or replace the tenant's policy for this
    /// call only; size limits come from the tenant's policy. The <c>X-Guard-Silo</c> header names the silo that answered.
    /// </remarks>
    internal static async Task<Ok<ClassifyResponse>> ClassifyAsync(
        TenantCaller tenant,
        HttpContext context,
        IGrainFactory grains,
        WorkerKeys keys,
        TenantQuotaGate quotas,
        IOptions<GatewayOptions> options,
        IOptions<PolicyLimits> policyLimits,
        CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        var input = Parse(body.RootElement, tenant.EffectivePolicy, policyLimits.Value);
        using var lease = quotas.Enter(tenant, checks: 1);
        var request = new GuardRequest(input.Conversation, input.Policy, TenantId: tenant.Id);
        var result = await TransientRetry.OnceAsync(
            () => grains.GetGrain<IGuardWorkerGrain>(keys.Next()).ClassifyAsync(request, cancellationToken), cancellationToken);
        lease.ChargePromptTokens(result.Verdict.Usage.PromptTokens);
        context.Response.Headers[SiloHeader] = result.Silo;
        AuditCapture.Add(context, AuditEndpoints.Classify, AuditCapture.CheckedText(input.Conversation), result.Verdict, tenant.Policy.Version);
        return TypedResults.Ok(new ClassifyResponse(VerdictJson.ToDto(result.Verdict), tenant.Policy.Version));
    }

    /// <summary>Classifies several inputs in one call; results keep item order.</summary>
    /// <remarks>
    /// Every item is validated before any is classified: one bad item rejects the whole batch (its error's <c>path</c>
    /// starts with <c>items[i].</c>), so a client never pays for half a batch.
    /// </remarks>
    internal static async Task<Ok<BatchResponse>> ClassifyBatchAsync(
        TenantCaller tenant,
        HttpRequest request,
        IGrainFactory grains,
        WorkerKeys keys,
        TenantQuotaGate quotas,
        IOptions<GatewayOptions> options,
        IOptions<PolicyLimits> policyLimits,
        CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var root = JsonBody.RequireObject(body);
        JsonBody.AllowOnly(root, null, "items");
        var items = JsonBody.Required(root, "items");
        if (items.ValueKind != JsonValueKind.Array)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, "'items' must be an array.", "items");
        }

        var count = items.GetArrayLength();
        if (count == 0)
        {
            throw new GatewayProblemException(422, GuardErrorCodes.EmptyBatch, "'items' must contain at least one item.", "items");
        }

        var maxItems = TenantQuotaGate.MaxBatchItems(tenant, options.Value);
        if (count > maxItems)
        {
            throw new GatewayProblemException(
                413, GuardErrorCodes.TooManyItems, $"A batch may hold at most {maxItems} items; got {count}.", "items");
        }

        var inputs = new GuardInput[count];
        var index = 0;
        var policy = tenant.EffectivePolicy;
        foreach (var item in items.EnumerateArray())
        {
            inputs[index] = ParseItem(item, index, policy, policyLimits.Value);
            index++;
        }

        using var lease = quotas.Enter(tenant, checks: count);

        // Each item gets its own worker key, so a batch fans out over silos like separate calls would.
        var calls = inputs.Select(i => TransientRetry.OnceAsync(
            () => grains.GetGrain<IGuardWorkerGrain>(keys.Next()).ClassifyAsync(new GuardRequest(i.Conversation, i.Policy, TenantId: tenant.Id), cancellationToken),
            cancellationToken));
        var verdicts = await Task.WhenAll(calls);
        lease.ChargePromptTokens(verdicts.Sum(v => v.Verdict.Usage.PromptTokens));
        for (var i = 0; i < verdicts.Length; i++)
        {
            AuditCapture.Add(request.HttpContext, AuditEndpoints.Batch, AuditCapture.CheckedText(inputs[i].Conversation), verdicts[i].Verdict, tenant.Policy.Version, item: i);
        }

        return TypedResults.Ok(new BatchResponse(
            [.. verdicts.Select(v => new ClassifyResponse(VerdictJson.ToDto(v.Verdict), tenant.Policy.Version))]));
    }

    /// <summary>Reads one reference-format input against the tenant's policy and limits (category sizes: <c>Guard:Policy</c>).</summary>
    public static GuardInput Parse(JsonElement root, TenantPolicy policy, PolicyLimits? policyLimits = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return GuardInputJson.ParseInput(root, policy.Limits.ToConversationLimits(), policyLimits, policy.Policy);
    }

    private static GuardInput ParseItem(JsonElement item, int index, TenantPolicy policy, PolicyLimits policyLimits)
    {
        var prefix = $"items[{index}]";
        try
        {
            return Parse(item, policy, policyLimits);
        }
        catch (GuardValidationException error)
        {
            var path = error.Path is null or "$" ? prefix : $"{prefix}.{error.Path}";
            throw new GuardValidationException(error.Code, $"Item {index}: {error.Message}", path, error.IsLimit);
        }
    }
}
