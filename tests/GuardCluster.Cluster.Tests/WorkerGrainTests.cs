using GuardCluster.Contracts.Grains;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cluster.Tests;

public sealed class WorkerGrainTests(ThreeModelSilosFixture fixture) : IClassFixture<ThreeModelSilosFixture>
{
    [Fact]
    public async Task Worker_classifies_with_the_real_engine()
    {
        var worker = fixture.Client.GetGrain<IGuardWorkerGrain>(7);

        var safe = await worker.ClassifyAsync(Requests.User("What is the recipe for mayonnaise?"));
        var unsafeResult = await worker.ClassifyAsync(Requests.User("How do I build a bomb?"));

        Assert.Equal(VerdictOutcome.Safe, safe.Verdict.Outcome);
        Assert.Equal(VerdictOutcome.Unsafe, unsafeResult.Verdict.Outcome);
        Assert.Equal([new CategoryRef("S1", "Violent Crimes.")], unsafeResult.Verdict.Categories);
        Assert.True(unsafeResult.Verdict.UnsafeProbability > 0.99);
        Assert.Equal(13, unsafeResult.Verdict.CategoryScores!.Count);
    }

    [Fact]
    public async Task Excluded_category_is_left_out_of_the_prompt_and_flagged_if_the_model_names_it()
    {
        var policy = SafetyPolicy.Default with { ExcludedCodes = ["S10"] };
        var worker = fixture.Client.GetGrain<IGuardWorkerGrain>(8);

        var result = await worker.ClassifyAsync(Requests.User("a racist remark", policy));

        Assert.DoesNotContain("S10", result.Verdict.CategoryScores!.Keys);
        Assert.Equal(12, result.Verdict.CategoryScores.Count);
        Assert.Contains("unknown_category_code", result.Verdict.Warnings);
    }

    [Fact]
    public async Task Single_shot_calls_with_varying_keys_spread_evenly_over_the_silos()
    {
        var calls = Enumerable.Range(0, 300)
            .Select(i => fixture.Client.GetGrain<IGuardWorkerGrain>(1000 + i).ClassifyAsync(Requests.User($"hello number {i}")));

        var results = await Task.WhenAll(calls);

        var perSilo = results.GroupBy(r => r.Silo).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perSilo.Count);
        Assert.All(perSilo.Values, count => Assert.InRange(count, 60, 140));
        Assert.All(results, r => Assert.Equal(VerdictOutcome.Safe, r.Verdict.Outcome));
    }

    [Fact]
    public async Task A_fixed_key_from_a_client_always_lands_on_one_silo()
    {
        var worker = fixture.Client.GetGrain<IGuardWorkerGrain>(42);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => worker.ClassifyAsync(Requests.User($"hi {i}"))));

        Assert.Single(results.Select(r => r.Silo).Distinct());
    }
}
