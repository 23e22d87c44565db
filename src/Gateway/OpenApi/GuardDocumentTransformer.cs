using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GuardCluster.Gateway.OpenApi;

/// <summary>The document's title and description, tag descriptions, and the two Bearer schemes (admin key, tenant key).</summary>
internal sealed class GuardDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string AdminScheme = "adminKey";
    public const string TenantScheme = "tenantKey";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Health"] = "Probes for load balancers and orchestrators; no key.",
        ["Tenants"] = "Tenant lifecycle, keys and quotas (admin key).",
        ["Policy"] = "The calling tenant's categories, threshold, limits and audit settings (tenant key).",
        ["Classify"] = "Single and batch classification in Llama Guard's input format (tenant key).",
        ["Conversations"] = "Stateful conversations checked turn by turn against their history (tenant key).",
        ["OpenAI compatible"] = "OpenAI's moderation API, for OpenAI SDKs (tenant key; OpenAI's error shape).",
        ["Audit"] = "The audit log of verdicts (tenant key for one's own, admin key for any tenant's).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "GuardCluster API",
            Version = "v1",
            Description = "Multi-tenant moderation with Llama Guard 3-1B. Errors are RFC 7807 problem details with a stable "
                + "`code` (OpenAI's error shape on `/v1/moderations`). Send the API key as `Authorization: Bearer <key>`: "
                + "the operator's admin key for `/v1/tenants`, a tenant key for everything else under `/v1`.",
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };

        // The generator names the server the document was fetched from as "http://host:port/"; linters and client
        // generators refuse the trailing slash (paths already start with one).
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[AdminScheme] = Bearer(
            "The operator's admin key (`Guard:AdminKey`): tenant lifecycle, quotas and any tenant's audit log. "
            + "A tenant key here is 403 `admin_key_required`.");
        document.Components.SecuritySchemes[TenantScheme] = Bearer(
            "A tenant's API key (returned by `POST /v1/tenants` and `POST /v1/tenants/{id}/keys`): acts for that tenant. "
            + "The admin key here is 403 `tenant_key_required`.");
        return Task.CompletedTask;
    }

    private static OpenApiSecurityScheme Bearer(string description) => new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        Description = description,
    };
}
