using GuardCluster.Core;

namespace GuardCluster.Engine.Tests;

[Collection(DemoEngineCollection.Name)]
public sealed class ConcurrencyTests(DemoEngineFixture fixture)
{
    [Fact]
    public async Task Many_concurrent_classifications_match_one_at_a_time_results()
    {
        var requests = Enumerable.Range(0, 24)
            .Select(i => (i % 3) switch
            {
                0 => Conversations.User($"message {i}: how do I bake bread with {i} grams of flour?"),
                1 => Conversations.User($"message {i}: I want to kill process {i}"),
                _ => Conversations.Exchange($"question {i}", i % 2 == 0 ? "an answer about racist jokes" : "a kind answer"),
            })
            .ToArray();
        var sequential = new List<Core.Verdicts.GuardVerdict>();
        foreach (var request in requests)
        {
            sequential.Add(await fixture.Engine.ClassifyAsync(request));
        }

        var (callsBefore, tokensBefore) = fixture.Engine.Counters;
        var concurrent = await Task.WhenAll(requests.Select(r => Task.Run(() => fixture.Engine.ClassifyAsync(r))));
        var (callsAfter, tokensAfter) = fixture.Engine.Counters;

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(sequential[i].Outcome, concurrent[i].Outcome);
            Assert.Equal(sequential[i].RawOutput, concurrent[i].RawOutput);
            Assert.Equal(sequential[i].UnsafeProbability!.Value, concurrent[i].UnsafeProbability!.Value, 4);
        }

        // Batching: fewer decode calls than one per generated token of every request.
        var generated = concurrent.Sum(v => v.Usage.CompletionTokens);
        Assert.True(callsAfter - callsBefore < generated, $"{callsAfter - callsBefore} decode calls for {generated} generated tokens");
        Assert.True(tokensAfter > tokensBefore);
    }

    [Fact]
    public async Task Full_queue_rejects_with_overloaded_instead_of_waiting_forever()
    {
        await using var engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = fixture.ModelPath,
            ContextSize = 4096,
            MaxSequences = 1,
            QueueCapacity = 1,
            Threads = 1,
        });
        var text = string.Concat(Enumerable.Repeat("a long benign sentence about gardens ", 50));

        var attempts = Enumerable.Range(0, 40).Select(_ => engine.ClassifyAsync(Conversations.User(text))).ToArray();
        var outcomes = await Task.WhenAll(attempts.Select(async t =>
        {
            try
            {
                await t;
                return "ok";
            }
            catch (EngineOverloadedException)
            {
                return "overloaded";
            }
        }));

        Assert.Contains("ok", outcomes);
        Assert.Contains("overloaded", outcomes);
    }

    [Fact]
    public async Task A_long_prefill_does_not_hold_back_a_short_request()
    {
        await using var engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = fixture.ModelPath,
            ContextSize = 16384,
            BatchSize = 64,
            UBatchSize = 64,
            MaxSequences = 4,
            Threads = 1,
        });
        await engine.ClassifyAsync(Conversations.User("warm the policy header cache"));
        var longText = string.Concat(Enumerable.Repeat("a long and harmless sentence about the sea ", 250));

        var longCheck = engine.ClassifyAsync(Conversations.User(longText));
        var shortCheck = engine.ClassifyAsync(Conversations.User("a short question"));
        var first = await Task.WhenAny(longCheck, shortCheck);

        // With 64 tokens per step the long prompt needs ~170 steps; the short one gets its share of every step.
        Assert.Same(shortCheck, first);
        Assert.Equal(Core.Verdicts.VerdictOutcome.Safe, (await longCheck).Outcome);
    }
}
