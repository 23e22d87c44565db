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
        Assert.Equal(0, results[0].Violence.Score);
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
        Assert.Equal("omni-moderation-latest", body.GetProperty("model").GetString());
        var results = body.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        var first = results[0];
        Assert.False(first.GetProperty("flagged").GetBoolean());
        Assert.False(first.GetProperty("categories").GetProperty("self-harm/instructions").GetBoolean());
        Assert.False(first.GetProperty("categories").GetProperty("custom/S5").GetBoolean());
        Assert.Equal("text", first.GetProperty("category_applied_input_types").GetProperty("violence/graphic")[0].GetString());
        Assert.Equal(0, first.GetProperty("category_scores").GetProperty("hate").GetDouble());
    }

    [Theory]
    [InlineData("""{"input":[]}""", "empty_input")]
    [InlineData("""{"input":[1,2]}""", "invalid_type")]
    [InlineData("""{"input":[{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}""", "image_not_supported")]
    public async Task BadInputsAre400(string body, string code)
    {
        var (_, key) = await api.CreateTenantAsync("oai");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/moderations", body);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, code);
    }
}
