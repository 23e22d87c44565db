using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Gateway.Tests.Interop;

[Collection(ApiCollection.Name)]
public sealed class NodeHarnessTests(GuardApiFixture api)
{
    [Fact]
    public async Task Node_scripts_load_their_packages_and_reach_the_host()
    {
        var (exit, output) = await NodeScripts.RunAsync(
            "node", ["smoke.mjs"], new Dictionary<string, string> { ["GUARD_URL"] = api.BaseAddress.ToString() });
        Assert.True(exit == 0, output);
        Assert.Contains("interop smoke: ok", output, StringComparison.Ordinal);
    }
}
