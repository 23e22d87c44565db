using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Gateway.Tests.Interop;

/// <summary>
/// The document at <c>/openapi/v1.json</c> of the real host: every operation has an operationId, a summary, its
/// request schema, its success response and the error responses it can really produce, and the security its key
/// kind needs; schemas match what the parsers accept and what the wire carries (checked against real answers).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(GuardApiFixture api)
{
    private const string Problem = "GuardProblem";

    // The statuses each operation can answer, read from its handler, the auth middleware and the body reader.
    private static readonly Dictionary<string, (string Success, int[] Errors)> Expected = new(StringComparer.Ordinal)
    {
        ["getHealth"] = ("200", [503]),
        ["getReadiness"] = ("200", [503]),
        ["getLiveness"] = ("200", []),
        ["createTenant"] = ("201", [400, 401, 403, 409, 413, 422, 429, 503]),
        ["listTenants"] = ("200", [400, 401, 403, 422, 429, 503]),
        ["getTenant"] = ("200", [401, 403, 404, 422, 429, 503]),
        ["deleteTenant"] = ("204", [401, 403, 404, 422, 429, 503]),
        ["rotateTenantKeys"] = ("200", [401, 403, 404, 422, 429, 503]),
        ["setTenantLimits"] = ("200", [400, 401, 403, 404, 413, 422, 429, 503]),
        ["listTenantAudit"] = ("200", [400, 401, 403, 404, 422, 429, 503]),
        ["getTenantPolicy"] = ("200", [401, 403, 404, 422, 429, 503]),
        ["updateTenantPolicy"] = ("200", [400, 401, 403, 404, 412, 413, 422, 429, 503]),
        ["getPolicy"] = ("200", [401, 403, 429, 503]),
        ["updatePolicy"] = ("200", [400, 401, 403, 412, 413, 422, 429, 503]),
        ["classify"] = ("200", [400, 401, 403, 413, 422, 429, 503]),
        ["classifyBatch"] = ("200", [400, 401, 403, 413, 422, 429, 503]),
        ["listConversations"] = ("200", [400, 401, 403, 422, 429, 503]),
        ["appendConversationMessage"] = ("200", [400, 401, 403, 404, 409, 413, 422, 429, 503]),
        ["getConversation"] = ("200", [401, 403, 404, 422, 429, 503]),
        ["deleteConversation"] = ("204", [401, 403, 404, 422, 429, 503]),
        ["createModeration"] = ("200", [400, 401, 403, 413, 422, 429, 503]),
        ["listAudit"] = ("200", [400, 401, 403, 404, 422, 429, 503]),
    };

    private static readonly Dictionary<string, string> RequestSchemas = new(StringComparer.Ordinal)
    {
        ["createTenant"] = "CreateTenantRequest",
        ["setTenantLimits"] = "LimitsRequest",
        ["updatePolicy"] = "PolicyUpdateRequest",
        ["updateTenantPolicy"] = "PolicyUpdateRequest",
        ["classify"] = "ClassifyRequest",
        ["classifyBatch"] = "BatchRequest",
        ["appendConversationMessage"] = "AppendRequest",
        ["createModeration"] = "ModerationRequest",
    };

    private static readonly string[] AdminOperations = ["createTenant", "listTenants", "getTenant", "deleteTenant", "rotateTenantKeys", "setTenantLimits", "listTenantAudit", "getTenantPolicy", "updateTenantPolicy"];
    private static readonly string[] Anonymous = ["getHealth", "getReadiness", "getLiveness"];

    [Fact]
    public async Task Every_operation_is_described_with_id_summary_body_responses_and_security()
    {
        var doc = await FetchAsync();
        var operations = doc.Operations().ToList();
        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/dashboard", StringComparison.Ordinal) || o.Path == "/metrics");
        var ids = operations.Select(o => o.Operation.GetProperty("operationId").GetString()!).ToList();
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));

        foreach (var (method, path, operation) in operations)
        {
            var id = operation.GetProperty("operationId").GetString()!;
            var where = $"{method.ToUpperInvariant()} {path} ({id})";
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{where} has no summary");
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());

            // Request body: exactly where the handler reads one, required, JSON, the documented shape.
            if (RequestSchemas.TryGetValue(id, out var requestSchema))
            {
                var body = operation.GetProperty("requestBody");
                Assert.True(body.GetProperty("required").GetBoolean(), where);
                Assert.Equal(requestSchema, OpenApiDocument.SchemaRef(body.GetProperty("content"), "application/json"));
                Assert.False(doc.Schema(requestSchema).GetProperty("additionalProperties").GetBoolean(), $"{requestSchema} must refuse unknown fields");
            }
            else
            {
                Assert.False(operation.TryGetProperty("requestBody", out _), $"{where} declares a body it does not read");
            }

            // Responses: the success status and exactly the errors this route can produce, in the route's error shape.
            var (success, errors) = Expected[id];
            var responses = operation.GetProperty("responses");
            var statuses = responses.EnumerateObject().Select(r => r.Name).ToArray();
            Assert.Equal([success, .. errors.Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture))], statuses.Order(StringComparer.Ordinal));
            if (success != "204")
            {
                Assert.True(responses.GetProperty(success).GetProperty("content").TryGetProperty("application/json", out _), $"{where}: {success} has no JSON schema");
            }

            foreach (var error in errors.Where(e => !Anonymous.Contains(id)))
            {
                var content = responses.GetProperty(error.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetProperty("content");
                var (mediaType, schema) = id == "createModeration" ? ("application/json", "OpenAiErrorBody") : ("application/problem+json", Problem);
                Assert.Equal(schema, OpenApiDocument.SchemaRef(content, mediaType));
            }

            // Security: the key kind the auth middleware demands; none for the probes.
            var security = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToArray();
            string[] scheme = Anonymous.Contains(id) ? [] : AdminOperations.Contains(id) ? ["adminKey"] : ["tenantKey"];
            Assert.Equal(scheme, security);
        }

        // What handlers read and write by hand: audit filters, the policy's ETag/If-Match, Retry-After.
        foreach (var id in new[] { "listAudit", "listTenantAudit" })
        {
            var query = doc.Operation(id).GetProperty("parameters").EnumerateArray()
                .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString());
            Assert.Equal(["from", "to", "verdict", "category", "conversation_id", "limit", "cursor"], query);
        }

        Assert.Contains(
            doc.Operation("updatePolicy").GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "If-Match" && p.GetProperty("in").GetString() == "header");
        Assert.True(doc.Operation("getPolicy").GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _));
        Assert.True(doc.Operation("classify").GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));

        var schemes = doc.Root.GetProperty("components").GetProperty("securitySchemes");
        foreach (var name in new[] { "adminKey", "tenantKey" })
        {
            Assert.Equal("http", schemes.GetProperty(name).GetProperty("type").GetString());
            Assert.Equal("bearer", schemes.GetProperty(name).GetProperty("scheme").GetString());
            Assert.False(string.IsNullOrWhiteSpace(schemes.GetProperty(name).GetProperty("description").GetString()));
        }
    }

    [Theory]
    [InlineData("getTenant", "acme-1", "Acme")]
    [InlineData("getTenantPolicy", "a_b", "-a")]
    [InlineData("getConversation", "chat:1.A_b-2", "chat/1")]
    [InlineData("deleteConversation", "x", "a b")]
    public async Task Id_path_parameters_declare_the_pattern_the_server_enforces(string operationId, string valid, string invalid)
    {
        var doc = await FetchAsync();
        var id = doc.Operation(operationId).GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "id");
        var pattern = new System.Text.RegularExpressions.Regex(id.GetProperty("schema").GetProperty("pattern").GetString()!);
        Assert.False(string.IsNullOrEmpty(id.GetProperty("description").GetString()));

        var isTenant = operationId.Contains("Tenant", StringComparison.Ordinal);
        foreach (var (candidate, expected) in new[] { (valid, true), (invalid, false) })
        {
            var server = isTenant ? Contracts.Identity.GuardIds.IsTenantId(candidate) : Contracts.Identity.GuardIds.IsConversationId(candidate);
            Assert.Equal(expected, server);
            Assert.Equal(server, pattern.IsMatch(candidate));
        }
    }

    [Fact]
    public async Task Request_schemas_match_what_the_parsers_accept()
    {
        var doc = await FetchAsync();
        var classify = doc.Schema("ClassifyRequest");
        Assert.Equal(["messages"], OpenApiDocument.Names(classify, "required"));
        Assert.Equal(["messages", "categories", "excluded_category_keys", "threshold"], OpenApiDocument.Names(classify, "properties"));

        var message = doc.Schema("MessageBody");
        Assert.Equal(["role", "content"], OpenApiDocument.Names(message, "required"));
        var roles = doc.Resolve(message.GetProperty("properties").GetProperty("role")).GetProperty("enum");
        Assert.Equal(["user", "assistant"], roles.EnumerateArray().Select(r => r.GetString()));

        // content: a string or text parts; input: a string, strings, or parts; categories: a map or the list form.
        var content = doc.Resolve(message.GetProperty("properties").GetProperty("content")).GetProperty("oneOf");
        Assert.Equal(["string", "array"], content.EnumerateArray().Select(s => s.GetProperty("type").GetString()));
        var input = doc.Resolve(doc.Schema("ModerationRequest").GetProperty("properties").GetProperty("input")).GetProperty("oneOf");
        Assert.Equal(3, input.GetArrayLength());
        var categories = doc.Schema("CategoriesInput").GetProperty("oneOf");
        Assert.Equal(["object", "array"], categories.EnumerateArray().Select(s => s.GetProperty("type").GetString()));

        Assert.Equal(["items"], OpenApiDocument.Names(doc.Schema("BatchRequest"), "required"));
        Assert.Equal(["role", "content"], OpenApiDocument.Names(doc.Schema("AppendRequest"), "required"));
        Assert.Equal(["id"], OpenApiDocument.Names(doc.Schema("CreateTenantRequest"), "required"));
        Assert.Empty(OpenApiDocument.Names(doc.Schema("PolicyUpdateRequest"), "required"));
        Assert.Equal(
            ["categories", "excluded_category_keys", "threshold", "limits", "version", "audit"],
            OpenApiDocument.Names(doc.Schema("PolicyUpdateRequest"), "properties"));
        Assert.Empty(OpenApiDocument.Names(doc.Schema("LimitsRequest"), "required"));
        Assert.Equal(["error"], OpenApiDocument.Names(doc.Schema("OpenAiErrorBody"), "required"));
        Assert.Equal(["message", "type", "param", "code"], OpenApiDocument.Names(doc.Schema("OpenAiError"), "properties"));
    }

    [Fact]
    public async Task Response_schemas_name_exactly_the_fields_real_answers_carry()
    {
        var doc = await FetchAsync();
        var (tenantId, key) = await api.CreateTenantAsync("oas");
        using var client = api.Client(key);

        using var classified = await client.ClassifyAsync("What is the capital of France?");
        AssertMatches(doc, "ClassifyResponse", await ApiAssert.JsonAsync(classified, HttpStatusCode.OK));

        using var policy = await client.GetAsync("/v1/policy");
        AssertMatches(doc, "PolicyResponse", await ApiAssert.JsonAsync(policy, HttpStatusCode.OK));

        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var tenant = await admin.GetAsync($"/v1/tenants/{tenantId}");
        AssertMatches(doc, "TenantInfoResponse", await ApiAssert.JsonAsync(tenant, HttpStatusCode.OK));

        using var missing = await client.GetAsync("/v1/conversations/none-such");
        await ApiAssert.ProblemAsync(missing, HttpStatusCode.NotFound, "conversation_not_found");
        AssertMatches(doc, Problem, await ApiAssert.JsonAsync(missing, HttpStatusCode.NotFound));

        using var moderated = await client.PostAsJsonAsync("/v1/moderations", new { input = "hello" });
        AssertMatches(doc, "ModerationResponse", await ApiAssert.JsonAsync(moderated, HttpStatusCode.OK));

        using var refused = await client.PostAsJsonAsync("/v1/moderations", new { input = "hello", extra = 1 });
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        var openAiError = await ApiAssert.JsonAsync(refused, HttpStatusCode.BadRequest);
        AssertMatches(doc, "OpenAiErrorBody", openAiError);
        AssertMatches(doc, "OpenAiError", openAiError.GetProperty("error"));
    }

    private static void AssertMatches(OpenApiDocument doc, string schemaName, JsonElement value)
    {
        var schema = doc.Schema(schemaName);
        var declared = OpenApiDocument.Names(schema, "properties");
        var actual = value.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.True(actual.All(declared.Contains), $"{schemaName} lacks {string.Join(", ", actual.Except(declared))}");
        var required = OpenApiDocument.Names(schema, "required");
        Assert.True(required.All(actual.Contains), $"{schemaName} requires {string.Join(", ", required.Except(actual))}, which the answer lacks");
        foreach (var property in value.EnumerateObject())
        {
            var type = doc.Resolve(schema.GetProperty("properties").GetProperty(property.Name));
            if (type.TryGetProperty("type", out var declaredType))
            {
                var allowed = declaredType.ValueKind == JsonValueKind.Array ? declaredType.EnumerateArray().Select(t => t.GetString()!).ToArray() : [declaredType.GetString()!];
                var actualType = JsonType(property.Value);
                var fits = allowed.Contains(actualType) || (actualType == "integer" && allowed.Contains("number"));
                Assert.True(fits, $"{schemaName}.{property.Name} is {actualType}, declared {string.Join("|", allowed)}");
            }
        }
    }

    private static string JsonType(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private async Task<OpenApiDocument> FetchAsync()
    {
        using var client = api.Client();
        using var response = await client.GetAsync("/openapi/v1.json");
        return new OpenApiDocument(await ApiAssert.JsonAsync(response, HttpStatusCode.OK));
    }
}
