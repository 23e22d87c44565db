using GuardCluster.Gateway.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// Per operation: the security requirement its key kind implies (none for the anonymous health probes) and
/// error response descriptions that name the codes behind each status, and the format of the <c>{id}</c> path
/// parameters (the same rules as <see cref="Contracts.Identity.GuardIds"/>; a wrong id is 422 <c>invalid_*_id</c>).
/// </summary>
internal sealed class GuardOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, string> ErrorDescriptions = new(StringComparer.Ordinal)
    {
        ["400"] = "Malformed request: invalid JSON, wrong type, missing, duplicated or unknown field or parameter.",
        ["401"] = "No API key (`missing_api_key`) or an unknown one (`invalid_api_key`).",
        ["403"] = "The wrong kind of key (`admin_key_required`, `tenant_key_required`), or a limit above the quota (`limit_above_quota`).",
        ["404"] = "The resource does not exist (`tenant_not_found`, `conversation_not_found`, `audit_disabled`).",
        ["409"] = "Conflicts with the stored state (`tenant_exists`, `message_id_conflict`).",
        ["412"] = "`If-Match` or `version` names a version that is not the stored one (`precondition_failed`).",
        ["413"] = "A size or count limit was exceeded (body, messages, characters, batch items); see `code`.",
        ["422"] = "Well-formed but breaks the contract (roles, alternation, category codes, ids, limits); see `code`.",
        ["429"] = "Rate, token or concurrency quota exceeded, engine overloaded, or too many failed authentications; honour `Retry-After`.",
        ["503"] = "The moderation cluster or engine is unavailable; retry after `Retry-After`.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var access = context.Description.ActionDescriptor.EndpointMetadata.OfType<GuardAccessMetadata>().LastOrDefault();
        if (access is not null)
        {
            var scheme = access.Access == GuardAccess.Admin ? GuardDocumentTransformer.AdminScheme : GuardDocumentTransformer.TenantScheme;
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] },
            ];
        }
        else
        {
            // Anonymous on purpose: an explicit empty list says so (rather than "not stated").
            operation.Security = [];
        }

        // The probes' 503 is their own answer (a HealthResponse), not an error of the API.
        if (access is null && operation.Responses?.TryGetValue("503", out var notReady) == true && notReady is OpenApiResponse probe)
        {
            probe.Description = "Not ready (model loading, cluster unreachable, shutting down); `reason` says why.";
        }

        foreach (var (status, response) in access is null ? [] : operation.Responses ?? [])
        {
            if (response is OpenApiResponse editable && ErrorDescriptions.TryGetValue(status, out var description))
            {
                editable.Description = description;
                if (status is "429" or "503")
                {
                    editable.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                    editable.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before retrying.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    };
                }
            }
        }

        DescribeIdParameter(operation, context.Description.RelativePath ?? "");
        return Task.CompletedTask;
    }

    private static void DescribeIdParameter(OpenApiOperation operation, string path)
    {
        var (pattern, rule) = path.StartsWith("v1/tenants/", StringComparison.Ordinal)
            ? ("^[a-z0-9][a-z0-9_-]{0,62}$", Contracts.Identity.GuardIds.TenantIdRule)
            : path.StartsWith("v1/conversations/", StringComparison.Ordinal)
                ? ("^[A-Za-z0-9._:-]{1,128}$", Contracts.Identity.GuardIds.ConversationIdRule)
                : (null, null);
        if (pattern is null)
        {
            return;
        }

        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.In == ParameterLocation.Path && parameter.Name == "id")
            {
                parameter.Description = rule;
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern };
            }
        }
    }
}
