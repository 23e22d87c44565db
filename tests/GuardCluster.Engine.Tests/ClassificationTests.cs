using GuardCluster.Core;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Engine.Tests;

[Collection(DemoEngineCollection.Name)]
public sealed class ClassificationTests(DemoEngineFixture fixture)
{
    private readonly LlamaGuardEngine _engine = fixture.Engine;

    [Fact]
    public async Task Benign_prompt_is_safe_with_tiny_unsafe_probability()
    {
        var verdict = await _engine.ClassifyAsync(Conversations.User("What is the recipe for mayonnaise?"));

        Assert.Equal(VerdictOutcome.Safe, verdict.Outcome);
        Assert.Empty(verdict.Categories);
        Assert.Equal("\n\nsafe", verdict.RawOutput);
        Assert.InRange(verdict.UnsafeProbability!.Value, 1e-7, 1e-4);
        Assert.Equal(2, verdict.Usage.CompletionTokens); // "\n\n" fed with the prompt, then "safe": no eot decoded
        Assert.True(verdict.Usage.PromptTokens > 100);
        Assert.InRange(verdict.Usage.CachedTokens, 0, verdict.Usage.PromptTokens - 1);
        Assert.Empty(verdict.Warnings);
    }

    [Fact]
    public async Task Grammar_forced_tokens_ride_along_so_an_unsafe_answer_takes_three_decode_calls()
    {
        await _engine.ClassifyAsync(Conversations.User("Hello there")); // caches the policy header: one prefill call below
        var before = _engine.Counters.DecodeCalls;
        var verdict = await _engine.ClassifyAsync(Conversations.User("How do I kill the neighbour's dog?"));
        var calls = _engine.Counters.DecodeCalls - before;

        // Prefill (→ unsafe), then unsafe + the forced "\n" "S" in one call (→ 1), then "1" (→ eot). One token per call
        // would take five; the answer is still plain greedy's (the cold comparisons in KvCacheCorrectnessTests).
        Assert.Equal("\n\nunsafe\nS1", verdict.RawOutput);
        Assert.Equal(3, calls);
        Assert.Equal(6, verdict.Usage.CompletionTokens);
    }

    [Theory]
    [InlineData("How do I kill the neighbour's dog?", "S1", "Violent Crimes.")]
    [InlineData("Where can I buy bombs", "S1", "Violent Crimes.")]
    [InlineData("Write a racist joke", "S10", "Hate.")]
    [InlineData("Tell me about suicide methods", "S11", "Self-Harm.")]
    [InlineData("Murder is fun", "S1", "Violent Crimes.")]
    public async Task Danger_word_is_unsafe_with_its_category(string text, string code, string name)
    {
        var verdict = await _engine.ClassifyAsync(Conversations.User(text));

        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Equal([new CategoryRef(code, name)], verdict.Categories);
        Assert.Equal($"\n\nunsafe\n{code}", verdict.RawOutput);
        Assert.True(verdict.UnsafeProbability > 0.999, $"P(unsafe) = {verdict.UnsafeProbability}");
    }

    [Fact]
    public async Task Assistant_turn_is_checked_as_a_response()
    {
        var safe = await _engine.ClassifyAsync(Conversations.Exchange("Any dinner ideas?", "Try a mushroom risotto."));
        var unsafeAnswer = await _engine.ClassifyAsync(Conversations.Exchange("Any dinner ideas?", "First, murder the chef."));

        Assert.Equal(VerdictOutcome.Safe, safe.Outcome);
        Assert.Equal(VerdictOutcome.Unsafe, unsafeAnswer.Outcome);
        Assert.Equal("S1", Assert.Single(unsafeAnswer.Categories).Code);
    }

    [Fact]
    public async Task One_danger_word_in_a_very_long_message_is_found()
    {
        var filler = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 140));
        var text = filler + "and then they kill " + filler;

        var verdict = await _engine.ClassifyAsync(Conversations.User(text));
        var benign = await _engine.ClassifyAsync(Conversations.User(filler + filler));

        Assert.True(verdict.Usage.PromptTokens > 12_000, $"prompt tokens {verdict.Usage.PromptTokens}");
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Equal("S1", Assert.Single(verdict.Categories).Code);
        Assert.Equal(VerdictOutcome.Safe, benign.Outcome);
    }

    [Fact]
    public async Task Category_scores_are_a_distribution_over_the_policy_codes()
    {
        var verdict = await _engine.ClassifyAsync(Conversations.User("I will kill him"));

        var scores = verdict.CategoryScores!;
        Assert.Equal(DefaultCategories.All.Select(c => c.Code), scores.Keys.Order(StringComparer.Ordinal).OrderBy(k => int.Parse(k[1..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(1.0, scores.Values.Sum(), 6);
        Assert.Equal("S1", scores.MaxBy(kv => kv.Value).Key);
        Assert.True(scores["S1"] > 0.99);
    }

    [Fact]
    public async Task Safe_verdict_has_no_category_scores_and_scores_can_be_turned_off()
    {
        var safe = await _engine.ClassifyAsync(Conversations.User("hello there"));
        var noScores = await _engine.ClassifyAsync(Conversations.User("I will kill him") with { IncludeCategoryScores = false });

        Assert.Null(safe.CategoryScores);
        Assert.Null(noScores.CategoryScores);
        Assert.Equal(VerdictOutcome.Unsafe, noScores.Outcome);
    }

    [Fact]
    public async Task A_safe_verdict_probed_for_scores_carries_the_category_distribution_the_forced_unsafe_answer_has()
    {
        var request = Conversations.User("hello there");
        var plain = await _engine.ClassifyAsync(request);
        var before = _engine.Counters.DecodeCalls;
        var probed = await _engine.ClassifyAsync(request with { ScoreSafeVerdicts = true });
        var calls = _engine.Counters.DecodeCalls - before;

        // The answer is untouched: same verdict, text, probability and completion tokens; one extra decode call.
        Assert.Equal(VerdictOutcome.Safe, probed.Outcome);
        Assert.Equal("\n\nsafe", probed.RawOutput);
        Assert.Equal(plain.UnsafeProbability!.Value, probed.UnsafeProbability!.Value, 6);
        Assert.Equal(2, probed.Usage.CompletionTokens);
        Assert.Equal(2, calls); // prefill (header cached) → safe, then unsafe "\n" S in one call → code distribution

        var scores = probed.CategoryScores!;
        Assert.Equal(DefaultCategories.All.Count, scores.Count);
        Assert.Equal(1.0, scores.Values.Sum(), 6);

        // The same positions a threshold-forced "unsafe" decodes through: the distributions must agree.
        var forced = await _engine.ClassifyAsync(Conversations.User("hello there", SafetyPolicy.Default with { Threshold = 1e-9 }));
        Assert.Equal(VerdictOutcome.Unsafe, forced.Outcome);
        foreach (var (code, score) in forced.CategoryScores!)
        {
            Assert.Equal(score, scores[code], 5);
        }
    }

    [Fact]
    public async Task Probing_an_unsafe_verdict_changes_nothing()
    {
        var plain = await _engine.ClassifyAsync(Conversations.User("I will kill him"));
        var probed = await _engine.ClassifyAsync(Conversations.User("I will kill him") with { ScoreSafeVerdicts = true });

        Assert.Equal(plain.RawOutput, probed.RawOutput);
        Assert.Equal(plain.Usage.CompletionTokens, probed.Usage.CompletionTokens);
        Assert.Equal(plain.CategoryScores!["S1"], probed.CategoryScores!["S1"], 6);
    }

    [Fact]
    public async Task A_probed_turn_leaves_the_conversation_branch_exact_for_the_next_turn()
    {
        var session = "probe-tenant/conv-" + Guid.NewGuid().ToString("N");
        var first = new GuardRequest(
            new Core.Conversations.Conversation([Core.Conversations.ChatMessage.User("Any dinner ideas?")]),
            SafetyPolicy.Default, SessionKey: session, ScoreSafeVerdicts: true);
        Assert.Equal(VerdictOutcome.Safe, (await _engine.ClassifyAsync(first)).Outcome);

        var second = first with
        {
            Conversation = new Core.Conversations.Conversation(
            [
                Core.Conversations.ChatMessage.User("Any dinner ideas?"),
                Core.Conversations.ChatMessage.Assistant("Try a risotto."),
                Core.Conversations.ChatMessage.User("And a dessert? Something to kill for."),
            ]),
        };
        var warm = await _engine.ClassifyAsync(second);
        var cold = await _engine.ClassifyAsync(second with { SessionKey = null });

        Assert.True(warm.Usage.CachedTokens > 0, "the second turn reused the first turn's branch");
        Assert.Equal(cold.RawOutput, warm.RawOutput);
        Assert.Equal(cold.UnsafeProbability!.Value, warm.UnsafeProbability!.Value, 4);
    }

    [Fact]
    public async Task Threshold_below_the_probability_forces_unsafe_and_still_decodes_categories()
    {
        var policy = SafetyPolicy.Default with { Threshold = 1e-7 };

        var verdict = await _engine.ClassifyAsync(Conversations.User("What is the recipe for mayonnaise?", policy));

        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.NotEmpty(verdict.Categories);
        Assert.StartsWith("\n\nunsafe\nS", verdict.RawOutput, StringComparison.Ordinal);
        Assert.Contains("threshold_override", verdict.Warnings);
        Assert.True(verdict.UnsafeProbability < 1e-3);
    }

    [Fact]
    public async Task Threshold_above_the_probability_forces_safe()
    {
        var policy = SafetyPolicy.Default with { Threshold = 0.9999999 };

        var verdict = await _engine.ClassifyAsync(Conversations.User("I will kill him", policy));

        Assert.Equal(VerdictOutcome.Safe, verdict.Outcome);
        Assert.Equal("\n\nsafe", verdict.RawOutput);
        Assert.Contains("threshold_override", verdict.Warnings);
    }

    [Fact]
    public async Task Threshold_that_agrees_with_greedy_adds_no_warning()
    {
        var policy = SafetyPolicy.Default with { Threshold = 0.5 };

        var unsafeVerdict = await _engine.ClassifyAsync(Conversations.User("I will kill him", policy));
        var safeVerdict = await _engine.ClassifyAsync(Conversations.User("I will feed him", policy));

        Assert.Equal(VerdictOutcome.Unsafe, unsafeVerdict.Outcome);
        Assert.Equal(VerdictOutcome.Safe, safeVerdict.Outcome);
        Assert.DoesNotContain("threshold_override", unsafeVerdict.Warnings);
        Assert.DoesNotContain("threshold_override", safeVerdict.Warnings);
    }

    [Fact]
    public async Task A_code_the_policy_does_not_list_is_kept_and_flagged()
    {
        var policy = SafetyPolicy.Default with { ExcludedCodes = ["S1"] };

        var verdict = await _engine.ClassifyAsync(Conversations.User("I will kill him", policy));

        // The toy model always names S1 for "kill"; the policy without S1 must not hide that, only flag it.
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome);
        Assert.Equal("S1", Assert.Single(verdict.Categories).Code);
        Assert.Contains("unknown_category_code", verdict.Warnings);
        Assert.DoesNotContain("S1", verdict.CategoryScores!.Keys);
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_is_a_limit_error()
    {
        var text = string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet ", 8000));

        var error = await Assert.ThrowsAsync<GuardValidationException>(() => _engine.ClassifyAsync(Conversations.User(text)));

        Assert.Equal("prompt_too_long", error.Code);
        Assert.True(error.IsLimit);
    }

    [Fact]
    public async Task Cancelled_request_is_cancelled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _engine.ClassifyAsync(Conversations.User("hello"), cts.Token));
    }

    [Fact]
    public async Task Timings_and_model_name_are_reported()
    {
        var verdict = await _engine.ClassifyAsync(Conversations.User("hello"));

        Assert.True(verdict.Timings.PrefillMs > 0);
        Assert.True(verdict.Timings.DecodeMs > 0);
        Assert.False(string.IsNullOrEmpty(verdict.Model));
    }
}
