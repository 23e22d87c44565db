using System.ClientModel;
using System.Net;
using OpenAI;
using OpenAI.Moderations;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class OpenAiModerationTests(GuardApiFixture api)
{
    private ModerationClient Client(string key) =>
        new("omni-moderation-latest", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(api.BaseAddress, "/v1") });

    [Fact]
    public async Task SdkClassifiesOneInput()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        ModerationResult result = await Client(key).ClassifyTextAsync("I am going to kill you.");
        Assert.True(result.Flagged);
        Assert.True(result.Violence.Flagged);
        Assert.True(result.Violence.Score > 0);
        Assert.False(result.Hate.Flagged);
    }

    [Fact]
    public async Task SdkClassifiesManyInputsInOrder()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        ModerationResultCollection results = await Client(key).ClassifyTextAsync(
            ["Have a nice day!", "You are a racist.", "I think about suicide.", "Buy bombs here."]);
        Assert.Equal(4, results.Count);
        Assert.False(results[0].Flagged);
        Assert.InRange(results[0].Violence.Score, float.Epsilon, 0.5f); // safe, yet a probability rather than 0
        Assert.True(results[1].Hate.Flagged);
        Assert.True(results[2].SelfHarm.Flagged);
        Assert.True(results[2].SelfHarmIntent.Flagged);
        Assert.True(results[3].Violence.Flagged);
        Assert.True(results[3].IllicitViolent.Flagged);
    }

    [Fact]
    public async Task RawResponseHasOpenAiShapeAndCustomKeys()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/moderations", """{"input":["hello","  "],"model":"omni-moderation-latest"}""");
        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.StartsWith("modr-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(await ClassifyModelAsync(client), body.GetProperty("model").GetString()); // who judged, not what was asked
        var results = body.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        var first = results[0];
        Assert.False(first.GetProperty("flagged").GetBoolean());
        Assert.False(first.GetProperty("categories").GetProperty("self-harm/instructions").GetBoolean());
        Assert.False(first.GetProperty("categories").GetProperty("custom/S5").GetBoolean());
        Assert.Equal("text", first.GetProperty("category_applied_input_types").GetProperty("violence/graphic")[0].GetString());
        var scores = first.GetProperty("category_scores");
        Assert.Equal(first.GetProperty("categories").EnumerateObject().Select(p => p.Name), scores.EnumerateObject().Select(p => p.Name));
        Assert.All(scores.EnumerateObject(), s => Assert.InRange(s.Value.GetDouble(), 0, 1));

        // A safe input still gets probabilities (the engine probes the category distribution), not all zeros;
        // categories the model cannot judge stay 0.
        Assert.Contains(scores.EnumerateObject(), s => s.Value.GetDouble() > 0);
        Assert.True(scores.GetProperty("violence").GetDouble() > 0, scores.ToString());
        Assert.Equal(0, scores.GetProperty("harassment").GetDouble());

        // A blank input needs no model call: unflagged, all scores 0.
        Assert.All(results[1].GetProperty("category_scores").EnumerateObject(), s => Assert.Equal(0, s.Value.GetDouble()));
    }

    [Fact]
    public async Task BlankOnlyRequestNamesTheDefaultModel()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/moderations", """{"input":" ","model":"text-moderation-stable"}""");
        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("llama-guard-3-1b", body.GetProperty("model").GetString());
        Assert.False(body.GetProperty("results")[0].GetProperty("flagged").GetBoolean());
    }

    [Fact]
    public async Task ContentPartsAreOneInputJudgedTogether()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync(
            "/v1/moderations", """{"input":[{"type":"text","text":"Have a nice day."},{"type":"text","text":"I am going to kill you."}]}""");
        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        var results = body.GetProperty("results");
        Assert.Equal(1, results.GetArrayLength());
        Assert.True(results[0].GetProperty("flagged").GetBoolean());
        Assert.True(results[0].GetProperty("categories").GetProperty("violence").GetBoolean());
        Assert.Equal(["text"], results[0].GetProperty("category_applied_input_types").GetProperty("violence").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(await ClassifyModelAsync(client), body.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("""{"input":[]}""", HttpStatusCode.BadRequest, "empty_input", "input")]
    [InlineData("""{"input":[1,2]}""", HttpStatusCode.BadRequest, "invalid_type", "input[0]")]
    [InlineData("""{"input":["a",{"type":"text","text":"b"}]}""", HttpStatusCode.BadRequest, "invalid_type", "input[1]")]
    [InlineData("""{"input":[{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}""", HttpStatusCode.BadRequest, "image_not_supported", "input[0]")]
    [InlineData("""{"input":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}""", HttpStatusCode.BadRequest, "image_not_supported", "input[1]")]
    [InlineData("""{"input":[{"type":"video"}]}""", HttpStatusCode.BadRequest, "unsupported_content_part", "input[0].type")]
    [InlineData("""{"input":"a","user":"u1"}""", HttpStatusCode.BadRequest, "unknown_field", "user")]
    [InlineData("""{"input":""", HttpStatusCode.BadRequest, "malformed_json", null)]
    public async Task BadInputsGetOpenAiErrors(string body, HttpStatusCode status, string code, string? param)
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/moderations", body);
        Assert.Equal(param, await ApiAssert.OpenAiErrorAsync(response, status, code));
    }

    [Fact]
    public async Task ImageErrorSaysImagesAreNotSupported()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/moderations", """{"input":[{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}""");
        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("images are not supported", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthAndRoutingErrorsUseOpenAiShapeWhileOtherRoutesKeepProblemDetails()
    {
        using var anonymous = api.Client();
        using var missing = await anonymous.PostJsonAsync("/v1/moderations", """{"input":"a"}""");
        await ApiAssert.OpenAiErrorAsync(missing, HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.NotEmpty(missing.Headers.WwwAuthenticate);

        using var wrong = api.Client("gck.nobody.not-a-secret");
        using var invalid = await wrong.PostJsonAsync("/v1/moderations", """{"input":"a"}""");
        await ApiAssert.OpenAiErrorAsync(invalid, HttpStatusCode.Unauthorized, "invalid_api_key");

        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var forbidden = await admin.PostJsonAsync("/v1/moderations", """{"input":"a"}""");
        await ApiAssert.OpenAiErrorAsync(forbidden, HttpStatusCode.Forbidden, "tenant_key_required");

        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var method = await client.GetAsync("/v1/moderations");
        await ApiAssert.OpenAiErrorAsync(method, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        using var subPath = await client.PostJsonAsync("/v1/moderations/extra", """{"input":"a"}""");
        await ApiAssert.OpenAiErrorAsync(subPath, HttpStatusCode.NotFound, "not_found");
        using var otherOpenAiPath = await client.PostJsonAsync("/v1/chat/completions", "{}");
        await ApiAssert.ProblemAsync(otherOpenAiPath, HttpStatusCode.NotFound, "not_found");

        using var native = await anonymous.PostJsonAsync("/v1/classify", """{"messages":[]}""");
        await ApiAssert.ProblemAsync(native, HttpStatusCode.Unauthorized, "missing_api_key");
    }

    [Fact]
    public async Task SdkRaisesItsExceptionWithTheStatus()
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client("gck.nobody.wrong").ClassifyTextAsync("hello"));
        Assert.Equal(401, error.Status);
        Assert.Contains("invalid_api_key", error.Message, StringComparison.Ordinal);

        var tooLong = await Assert.ThrowsAsync<ClientResultException>(() => Client(key).ClassifyTextAsync(new string('a', 32_001)));
        Assert.Equal(413, tooLong.Status);
        Assert.Contains("message_too_long", tooLong.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> ClassifyModelAsync(HttpClient client)
    {
        using var response = await client.ClassifyAsync("hello");
        return (await ApiAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("model").GetString();
    }
}
