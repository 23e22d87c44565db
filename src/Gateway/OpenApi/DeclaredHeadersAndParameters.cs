using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// Query parameters and headers that handlers read or write by hand (strict query parsing, <c>ETag</c>/<c>If-Match</c>),
/// so the generator cannot see them; declared here so generated clients can send and read them.
/// </summary>
public static class DeclaredHeadersAndParameters
{
    /// <summary>The audit log's filters and paging (see <c>AuditApi.Parse</c>).</summary>
    public static TBuilder WithAuditQueryParameters<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(Query("from", DateTime(), "Entries at or after this time (ISO 8601 with a time; no offset means UTC)."));
            operation.Parameters.Add(Query("to", DateTime(), "Entries before this time; must be after `from`."));
            operation.Parameters.Add(Query("verdict", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. new[] { "safe", "unsafe", "indeterminate" }.Select(v => (JsonNode)JsonValue.Create(v))] }, "Only entries with this verdict."));
            operation.Parameters.Add(Query("category", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^S[1-9][0-9]{0,2}$" }, "Only entries that named this category code."));
            operation.Parameters.Add(Query("conversation_id", new OpenApiSchema { Type = JsonSchemaType.String }, "Only entries of this conversation."));
            operation.Parameters.Add(Query("limit", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = "200", Default = JsonValue.Create(50) }, "Page size."));
            operation.Parameters.Add(Query("cursor", new OpenApiSchema { Type = JsonSchemaType.String }, "The previous page's `next_cursor`."));
            return Task.CompletedTask;
        });

    /// <summary>The policy version as <c>ETag</c> on success and, when <paramref name="acceptsIfMatch"/>, the optional <c>If-Match</c>.</summary>
    public static TBuilder WithPolicyVersionHeaders<TBuilder>(this TBuilder builder, bool acceptsIfMatch)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                response.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "The policy version, quoted (e.g. `\"3\"`), for a later `If-Match`.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }

            if (acceptsIfMatch)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Description = "Apply only if the stored version is one of these entity tags (`*` = any); else 412 `precondition_failed`.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            return Task.CompletedTask;
        });

    private static OpenApiSchema DateTime() => new() { Type = JsonSchemaType.String, Format = "date-time" };

    private static OpenApiParameter Query(string name, OpenApiSchema schema, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = schema,
    };
}
