using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Gateway.Tests.Interop;

/// <summary>
/// The official <c>openai</c> npm SDK against a real host (<c>tests/interop/openai-sdk.test.mjs</c>, node's test
/// runner): string, array and content-part inputs, and the SDK's own exceptions for an image part, an unknown
/// field, a wrong key and too many inputs.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenAiNodeSdkTests(GuardApiFixture api)
{
    [Fact]
    public async Task Openai_npm_sdk_moderates_and_raises_its_usual_errors()
    {
        var (_, key) = await api.CreateTenantAsync("oai-node");
        var (exit, output) = await NodeScripts.RunAsync(
            "node",
            ["--test", "--test-reporter=spec", "openai-sdk.test.mjs"],
            new Dictionary<string, string> { ["GUARD_URL"] = api.BaseAddress.ToString(), ["GUARD_TENANT_KEY"] = key });
        Assert.True(exit == 0, output);
        Assert.Contains("pass 7", output, StringComparison.Ordinal);
    }
}
