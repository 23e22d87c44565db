using System.Net;
using System.Net.Http.Json;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class AuthAndErrorTests(GuardApiFixture api)
{
    private const string OneMessage = """{"messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task MissingKeyIs401WithBearerChallenge()
    {
        using var client = api.Client();
        using var response = await client.PostJsonAsync("/v1/classify", OneMessage);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("gck.nobody-here.secret")]
    public async Task UnknownKeyIs401(string key)
    {
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/classify", OneMessage);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedKeyForARealTenantIs401()
    {
        var (id, _) = await api.CreateTenantAsync("forge");
        using var client = api.Client($"gck.{id}.guessed");
        using var response = await client.GetAsync("/v1/policy");
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task WrongKindOfKeyIs403()
    {
        var (_, key) = await api.CreateTenantAsync("kind");
        using var tenant = api.Client(key);
        using var onAdmin = await tenant.PostAsJsonAsync("/v1/tenants", new { id = "whatever" });
        await ApiAssert.ProblemAsync(onAdmin, HttpStatusCode.Forbidden, "admin_key_required");

        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var onTenant = await admin.PostJsonAsync("/v1/classify", OneMessage);
        await ApiAssert.ProblemAsync(onTenant, HttpStatusCode.Forbidden, "tenant_key_required");
    }

    [Theory]
    [InlineData("{\"messages\":[", HttpStatusCode.BadRequest, "malformed_json", null)]
    [InlineData("", HttpStatusCode.BadRequest, "malformed_json", null)]
    [InlineData("[1]", HttpStatusCode.BadRequest, "invalid_type", "$")]
    [InlineData("""{"messages":"hi"}""", HttpStatusCode.BadRequest, "invalid_type", "messages")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "missing_field", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"threshold":"x"}""", HttpStatusCode.BadRequest, "invalid_type", "threshold")]
    [InlineData("""{"messages":[{"role":"system","content":"a"}]}""", (HttpStatusCode)422, "invalid_role", "messages[0].role")]
    [InlineData("""{"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}""", (HttpStatusCode)422, "roles_not_alternating", "messages[1].role")]
    [InlineData("""{"messages":[{"role":"user","content":"   "}]}""", (HttpStatusCode)422, "blank_content", "messages[0].content")]
    [InlineData("""{"messages":[]}""", (HttpStatusCode)422, "empty_conversation", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"excluded_category_keys":["S42"]}""", (HttpStatusCode)422, "unknown_excluded_code", "excluded_category_keys")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"categories":{"X1":"x"}}""", (HttpStatusCode)422, "invalid_category_code", "categories[0]")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x"}}]}]}""", (HttpStatusCode)422, "image_not_supported", "messages[0].content[0]")]
    public async Task BadInputMapsToProblemDetails(string body, HttpStatusCode status, string code, string? path)
    {
        var (_, key) = await api.CreateTenantAsync("err");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/classify", body);
        Assert.Equal(path, await ApiAssert.ProblemAsync(response, status, code));
    }

    [Fact]
    public async Task TenantLimitsAndBodySizeAre413()
    {
        var (_, key) = await api.CreateTenantAsync("lim");
        using var client = api.Client(key);
        using var put = await client.PutJsonAsync("/v1/policy", """{"limits":{"max_message_chars":10,"max_turns":1}}""");
        await ApiAssert.JsonAsync(put, HttpStatusCode.OK);

        using var tooLong = await client.ClassifyAsync("this message is longer than ten characters");
        await ApiAssert.ProblemAsync(tooLong, HttpStatusCode.RequestEntityTooLarge, "message_too_long");

        using var tooMany = await client.PostJsonAsync("/v1/classify", """{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}""");
        await ApiAssert.ProblemAsync(tooMany, HttpStatusCode.RequestEntityTooLarge, "too_many_messages");

        using var huge = await client.ClassifyAsync(new string('x', GuardApiFixture.MaxBodyBytes + 10));
        await ApiAssert.ProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task UnknownRoutesAndBadIdsNeverReturn500()
    {
        var (_, key) = await api.CreateTenantAsync("ids");
        using var client = api.Client(key);
        using var badId = await client.GetAsync("/v1/conversations/has%20space");
        await ApiAssert.ProblemAsync(badId, (HttpStatusCode)422, "invalid_conversation_id");

        using var unknownRoute = await client.GetAsync("/v1/nope");
        await ApiAssert.ProblemAsync(unknownRoute, HttpStatusCode.NotFound, "not_found");

        using var form = await client.PostAsync("/v1/classify", new FormUrlEncodedContent([new("a", "b")]));
        await ApiAssert.ProblemAsync(form, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");

        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var badTenant = await admin.PostAsJsonAsync("/v1/tenants", new { id = "Not Valid" });
        await ApiAssert.ProblemAsync(badTenant, (HttpStatusCode)422, "invalid_tenant_id");
    }

    [Fact]
    public async Task HealthOpenApiAndDocsAreServed()
    {
        using var client = api.Client();
        using var health = await client.GetAsync("/healthz");
        Assert.Equal("ready", (await ApiAssert.JsonAsync(health, HttpStatusCode.OK)).GetProperty("status").GetString());
        using var ready = await client.GetAsync("/readyz");
        await ApiAssert.JsonAsync(ready, HttpStatusCode.OK);
        using var live = await client.GetAsync("/livez");
        Assert.Equal("alive", (await ApiAssert.JsonAsync(live, HttpStatusCode.OK)).GetProperty("status").GetString());

        using var openApi = await client.GetAsync("/openapi/v1.json");
        var doc = await ApiAssert.JsonAsync(openApi, HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/v1/classify", "/v1/classify/batch", "/v1/moderations", "/v1/policy", "/v1/tenants", "/v1/conversations/{id}/messages" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document lacks {path}");
        }

        using var docs = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }
}
