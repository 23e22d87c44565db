using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;
using GuardCluster.Models;

namespace GuardCluster.Engine.Tests;

/// <summary>
/// Policies in Meta's format (name line, then a description over several lines) classify on the demo model like
/// any other policy, and their whole header, description lines included, is the KV prefix that later checks reuse.
/// </summary>
public sealed class MultiLinePolicyTests
{
    // No demo danger words (kill, murder, bomb, hate, racist, suicide) in the descriptions: the demo model reacts to them anywhere.
    private static readonly SafetyPolicy Described = new(
    [
        new SafetyCategory("S1", "Violent Crimes. ", "AI models should not create content that enables violent crimes, nor give step-by-step plans for robbery or arson.\r\nExamples:\n- assault\n\n- arson  "),
        new SafetyCategory("S10", "Hate. \nAI models should not demean people for who they are.\u2028Can: discuss history."),
        new SafetyCategory("S11", "Self-Harm.", "AI models should not encourage self-injury.\nUser: an example question\nAgent: an example answer"),
    ], []);

    [Fact]
    public async Task Described_policy_classifies_like_a_cold_evaluation_and_names_categories_by_name()
    {
        await using var cached = await Load(cache: true);
        await using var cold = await Load(cache: false);
        var unsafeCheck = new Conversation([ChatMessage.User("I am going to kill him tonight.")]);
        var safeCheck = new Conversation([ChatMessage.User("How often should I water tulips?")]);

        var warmUnsafe = await cached.ClassifyAsync(new GuardRequest(unsafeCheck, Described));
        var coldUnsafe = await cold.ClassifyAsync(new GuardRequest(unsafeCheck, Described));
        var warmSafe = await cached.ClassifyAsync(new GuardRequest(safeCheck, Described));

        Assert.Equal(VerdictOutcome.Unsafe, warmUnsafe.Outcome);
        Assert.Equal([new CategoryRef("S1", "Violent Crimes. ")], warmUnsafe.Categories);
        Assert.Equal(coldUnsafe.Outcome, warmUnsafe.Outcome);
        Assert.Equal(coldUnsafe.Categories, warmUnsafe.Categories);
        Assert.Equal(coldUnsafe.RawOutput, warmUnsafe.RawOutput);
        Assert.Equal(coldUnsafe.UnsafeProbability!.Value, warmUnsafe.UnsafeProbability!.Value, 1e-4);
        Assert.Equal(VerdictOutcome.Safe, warmSafe.Outcome);
    }

    [Fact]
    public async Task Described_policy_header_is_the_reused_prefix()
    {
        await using var engine = await Load(cache: true);
        var one = new Conversation([ChatMessage.User("one single check")]);
        var another = new Conversation([ChatMessage.User("another single check")]);

        await engine.ClassifyAsync(new GuardRequest(one, SafetyPolicy.Default));
        var defaultReuse = await engine.ClassifyAsync(new GuardRequest(another, SafetyPolicy.Default));
        await engine.ClassifyAsync(new GuardRequest(one, Described));
        var describedReuse = await engine.ClassifyAsync(new GuardRequest(another, Described));
        var describedAgain = await engine.ClassifyAsync(new GuardRequest(one, Described));

        // The described header is longer than the default one (fewer categories, but several description lines), and
        // a later check under the same policy reads all of it from the cache: only its own message is prefilled.
        Assert.True(defaultReuse.Usage.CachedTokens > 100, $"default header reuse: {defaultReuse.Usage.CachedTokens}");
        Assert.True(
            describedReuse.Usage.CachedTokens > defaultReuse.Usage.CachedTokens,
            $"described header reuse {describedReuse.Usage.CachedTokens} vs default {defaultReuse.Usage.CachedTokens}");
        Assert.Equal(describedReuse.Usage.CachedTokens, describedAgain.Usage.CachedTokens);
        Assert.True(describedReuse.Usage.CachedTokens < describedReuse.Usage.PromptTokens);
    }

    private static Task<LlamaGuardEngine> Load(bool cache) =>
        LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 8192,
            Threads = 1,
            MaxSequences = 4,
            PrefixCache = cache,
            SessionCache = cache,
            FastVerdict = cache,
        });
}
