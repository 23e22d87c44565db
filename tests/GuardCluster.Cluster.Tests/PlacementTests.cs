using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cluster.Tests;

public sealed class PlacementTests(MixedSilosFixture fixture) : IClassFixture<MixedSilosFixture>
{
    [Fact]
    public async Task Model_bound_grains_run_only_on_the_silo_that_loaded_a_model()
    {
        var modelSilo = fixture.Cluster.Silos.Single(s => s.Name != MixedSilosFixture.ModelLessSiloName).Name;

        var results = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(i => fixture.Client.GetGrain<IGuardWorkerGrain>(i).ClassifyAsync(Requests.User($"hello {i}"))));
        var turns = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For("acme", $"placement-{i}"))
                .AppendAsync(Requests.UserTurn("kill"), TenantPolicy.Initial)));

        Assert.All(results, r => Assert.Equal(modelSilo, r.Silo));
        Assert.All(turns, t => Assert.Equal(VerdictOutcome.Unsafe, t.Message.Verdict.Outcome));
    }
}
