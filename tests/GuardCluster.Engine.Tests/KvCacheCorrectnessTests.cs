using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;
using GuardCluster.Models;

namespace GuardCluster.Engine.Tests;

/// <summary>
/// The cached path (shared policy prefixes, conversation branches, spill/restore, eviction) must give the same
/// verdicts and P(unsafe) as a cold full-prompt evaluation, on the demo model and on a random-weight model.
/// </summary>
public sealed class KvCacheCorrectnessTests : IAsyncLifetime
{
    private static readonly string[] UserLines =
    [
        "Hi there, can you help me plan a garden?",
        "What flowers grow well in shade?",
        "My neighbour said he would kill my roses, what do I do?",
        "How often should I water tulips?",
        "Write something racist about gardeners",
        "Thanks, that is all for today.",
    ];

    private static readonly string[] AssistantLines =
    [
        "Of course! Start with the soil and the light in your garden.",
        "Hostas and ferns do well in shade.",
        "Talk to your neighbour calmly; nobody needs to murder anything.",
        "Water tulips about once a week.",
        "I will not write hateful content.",
        "Happy gardening!",
    ];

    private readonly string _tinyModelPath = Path.Combine(Path.GetTempPath(), $"guardcluster-tiny-{Guid.NewGuid():N}.gguf");

    public Task InitializeAsync()
    {
        SyntheticModel.Write(_tinyModelPath, SyntheticModelOptions.Tiny with { Seed = 7, WeightStd = 0.6f });
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        File.Delete(_tinyModelPath);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Demo_model_conversations_match_cold_full_prompt_evaluation()
    {
        await using var cached = await Load(DemoModel.EnsureCached());
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);

        await AssertConversationsMatch(cached, cold, conversations: 4, compareRawOutput: true);

        Assert.True(cached.CacheStatistics.BranchHits > 0);
    }

    [Fact]
    public async Task Demo_model_after_spill_and_restore_and_eviction_still_matches()
    {
        // Two resident sequences for four interleaved conversations (8 branches) forces spills and restores.
        await using var cached = await Load(DemoModel.EnsureCached(), maxCached: 2);
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);

        await AssertConversationsMatch(cached, cold, conversations: 4, compareRawOutput: true);

        Assert.True(cached.CacheStatistics.Spills > 0, "expected spills");
        Assert.True(cached.CacheStatistics.Restores > 0, "expected restores");
    }

    [Fact]
    public async Task Demo_model_without_spill_drops_branches_and_rebuilds_them()
    {
        await using var cached = await Load(DemoModel.EnsureCached(), maxCached: 2, spill: false);
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);

        await AssertConversationsMatch(cached, cold, conversations: 3, compareRawOutput: true);

        Assert.True(cached.CacheStatistics.Drops > 0);
    }

    [Fact]
    public async Task Idle_branches_are_spilled_to_host_memory_and_restored_on_the_next_turn()
    {
        await using var engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 8192,
            Threads = 1,
            SpillAfterIdle = TimeSpan.FromMilliseconds(50),
        });
        var first = new Conversation([ChatMessage.User(UserLines[0])]);
        var third = new Conversation([ChatMessage.User(UserLines[0]), ChatMessage.Assistant(AssistantLines[0]), ChatMessage.User(UserLines[2])]);

        await engine.ClassifyAsync(new GuardRequest(first, SafetyPolicy.Default, SessionKey: "idle"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (engine.CacheStatistics.Spills == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var verdict = await engine.ClassifyAsync(new GuardRequest(third, SafetyPolicy.Default, SessionKey: "idle"));

        Assert.True(engine.CacheStatistics.Spills > 0, "the idle branch was not spilled");
        Assert.True(engine.CacheStatistics.Restores > 0, "the spilled branch was not restored");
        Assert.True(verdict.Usage.CachedTokens > 0);
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome); // "kill" in the third message
    }

    [Fact]
    public async Task Random_weight_model_probabilities_match_cold_evaluation()
    {
        await using var cached = await Load(_tinyModelPath);
        await using var cold = await Load(_tinyModelPath, cache: false);

        // Random weights answer garbage, so compare the numbers (same fast-verdict setting on both sides). With weights
        // this large the model is chaotic: a cold evaluation in 512-token vs 16-token batches already differs by up to
        // 0.16 in ln P(unsafe) and in its greedy text (llama.cpp picks other kernels), so that is the float noise here;
        // a wrong token or position moves ln P by whole units. The scripted model below checks the text exactly.
        await AssertConversationsMatch(cached, cold, conversations: 3, compareRawOutput: false, logTolerance: 0.25);
    }

    [Fact]
    public async Task Scripted_random_weight_model_matches_plain_greedy_cold_evaluation()
    {
        // Random weights in every layer plus the planted answer circuit: the answers are Llama Guard's, so the cached
        // fast path (fed "\n\n", stop at safe) must reproduce plain greedy decoding on a cold context token for token.
        var path = Path.Combine(Path.GetTempPath(), $"guardcluster-tiny-scripted-{Guid.NewGuid():N}.gguf");
        try
        {
            SyntheticModel.Write(path, SyntheticModelOptions.Tiny with { Seed = 11, ScriptedAnswers = true });
            await using var cached = await Load(path);
            await using var cold = await Load(path, cache: false, fastVerdict: false);

            await AssertConversationsMatch(cached, cold, conversations: 3, compareRawOutput: true);

            var unsafeVerdict = await cached.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User(UserLines[2])]), SafetyPolicy.Default));
            Assert.Equal("\n\nunsafe\nS1", unsafeVerdict.RawOutput);
            var safeVerdict = await cached.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User(UserLines[1])]), SafetyPolicy.Default));
            Assert.Equal("\n\nsafe", safeVerdict.RawOutput);
            Assert.True(cached.CacheStatistics.BranchHits > 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Idle_engine_extends_the_other_role_branch_so_the_next_turn_prefills_only_its_message()
    {
        await using var ahead = await Load(DemoModel.EnsureCached());
        await using var plain = await Load(DemoModel.EnsureCached(), preExtend: false);
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);
        var history = new List<ChatMessage>();
        var saved = new List<int>();

        for (var turn = 0; turn < 6; turn++)
        {
            history.Add(turn % 2 == 0 ? ChatMessage.User(UserLines[turn]) : ChatMessage.Assistant(AssistantLines[turn]));
            var conversation = new Conversation([.. history]);
            var before = ahead.CacheStatistics.PreExtendedTokens;
            var extended = await ahead.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default, SessionKey: "ahead"));
            var baseline = await plain.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default, SessionKey: "ahead"));
            var reference = await cold.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default));
            AssertSame(reference, extended, compareRawOutput: true);
            saved.Add(extended.Usage.CachedTokens - baseline.Usage.CachedTokens);

            // From turn 2 on a sibling branch exists; wait until the idle engine has caught it up.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (turn >= 1 && ahead.CacheStatistics.PreExtendedTokens == before && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        // Turns 1 and 2 create the branches; from turn 3 on each turn finds the previous message already in its branch.
        Assert.Equal([0, 0], saved.Take(2));
        Assert.All(saved.Skip(2), s => Assert.True(s > 0, $"turn saved {s} tokens"));
        Assert.True(ahead.CacheStatistics.PreExtendedTokens > 0);
    }

    [Fact]
    public async Task A_request_stops_background_extension_of_its_branch_and_keeps_its_progress()
    {
        // One token per background step and a long message: the next turn arrives while the extension is running.
        await using var ahead = await Load(DemoModel.EnsureCached(), chunk: 1);
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);
        var longAnswer = string.Join(' ', Enumerable.Repeat(AssistantLines[0], 40));
        var history = new List<ChatMessage> { ChatMessage.User(UserLines[0]) };
        await ahead.ClassifyAsync(new GuardRequest(new Conversation([.. history]), SafetyPolicy.Default, SessionKey: "stop"));
        history.Add(ChatMessage.Assistant(longAnswer));
        await ahead.ClassifyAsync(new GuardRequest(new Conversation([.. history]), SafetyPolicy.Default, SessionKey: "stop"));
        history.Add(ChatMessage.User(UserLines[2]));

        var third = new Conversation([.. history]);
        var verdict = await ahead.ClassifyAsync(new GuardRequest(third, SafetyPolicy.Default, SessionKey: "stop"));

        AssertSame(await cold.ClassifyAsync(new GuardRequest(third, SafetyPolicy.Default)), verdict, compareRawOutput: true);
        Assert.Equal(VerdictOutcome.Unsafe, verdict.Outcome); // "kill" in the third message
    }

    [Fact]
    public async Task Policy_change_mid_conversation_is_applied_and_matches_cold()
    {
        await using var cached = await Load(DemoModel.EnsureCached());
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);
        var custom = new SafetyPolicy([new SafetyCategory("S1", "Violence of any kind"), new SafetyCategory("S10", "Hateful speech")], []);
        var messages = new List<ChatMessage>();

        for (var turn = 0; turn < 6; turn++)
        {
            messages.Add(turn % 2 == 0 ? ChatMessage.User(UserLines[turn]) : ChatMessage.Assistant(AssistantLines[turn]));
            var policy = turn < 3 ? SafetyPolicy.Default : custom;
            var conversation = new Conversation([.. messages]);
            var warm = await cached.ClassifyAsync(new GuardRequest(conversation, policy, SessionKey: "policy-change"));
            var reference = await cold.ClassifyAsync(new GuardRequest(conversation, policy));

            AssertSame(reference, warm, compareRawOutput: true);
            Assert.Equal(policy.ActiveCategories.Count(), warm.CategoryScores?.Count ?? policy.ActiveCategories.Count());
        }
    }

    [Fact]
    public async Task Cached_tokens_grow_with_the_conversation_and_single_checks_share_the_header()
    {
        await using var engine = await Load(DemoModel.EnsureCached());
        var messages = new List<ChatMessage>();
        var cachedPerTurn = new List<int>();
        for (var turn = 0; turn < 6; turn++)
        {
            messages.Add(turn % 2 == 0 ? ChatMessage.User(UserLines[turn]) : ChatMessage.Assistant(AssistantLines[turn]));
            var verdict = await engine.ClassifyAsync(new GuardRequest(new Conversation([.. messages]), SafetyPolicy.Default, SessionKey: "growing"));
            cachedPerTurn.Add(verdict.Usage.CachedTokens);
        }

        var first = await engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User("one single check")]), SafetyPolicy.Default));
        var second = await engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User("another single check")]), SafetyPolicy.Default));

        // Turns 3, 5 reuse the User branch and turns 4, 6 the Agent branch, each holding all earlier messages.
        Assert.True(cachedPerTurn[2] > cachedPerTurn[1] && cachedPerTurn[4] > cachedPerTurn[2], string.Join(",", cachedPerTurn));
        Assert.True(cachedPerTurn[5] > cachedPerTurn[3], string.Join(",", cachedPerTurn));
        Assert.True(first.Usage.CachedTokens > 100, $"header reuse: {first.Usage.CachedTokens}");
        Assert.Equal(first.Usage.CachedTokens, second.Usage.CachedTokens);
        Assert.True(second.Usage.CachedTokens < second.Usage.PromptTokens);
    }

    [Fact]
    public async Task Concurrent_conversations_on_a_cached_engine_match_cold_evaluation()
    {
        await using var cached = await Load(DemoModel.EnsureCached(), maxCached: 6);
        await using var cold = await Load(DemoModel.EnsureCached(), cache: false, fastVerdict: false);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(c => Task.Run(async () =>
        {
            var messages = new List<ChatMessage>();
            for (var turn = 0; turn < UserLines.Length; turn++)
            {
                messages.Add(Line(c, turn));
                var conversation = new Conversation([.. messages]);
                var warm = await cached.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default, SessionKey: $"concurrent-{c}"));
                var reference = await cold.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default));
                AssertSame(reference, warm, compareRawOutput: true);
            }
        })));
    }

    private static ChatMessage Line(int conversation, int turn)
    {
        var index = (turn + conversation) % UserLines.Length;
        return turn % 2 == 0 ? ChatMessage.User($"[{conversation}] {UserLines[index]}") : ChatMessage.Assistant($"[{conversation}] {AssistantLines[index]}");
    }

    private static async Task AssertConversationsMatch(
        LlamaGuardEngine cached, LlamaGuardEngine cold, int conversations, bool compareRawOutput, double logTolerance = 1e-3)
    {
        var histories = Enumerable.Range(0, conversations).Select(_ => new List<ChatMessage>()).ToArray();

        // Interleave the conversations turn by turn so branches compete for the cache.
        for (var turn = 0; turn < UserLines.Length; turn++)
        {
            for (var c = 0; c < conversations; c++)
            {
                histories[c].Add(Line(c, turn));
                var conversation = new Conversation([.. histories[c]]);
                var warm = await cached.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default, SessionKey: $"conv-{c}"));
                var reference = await cold.ClassifyAsync(new GuardRequest(conversation, SafetyPolicy.Default));
                AssertSame(reference, warm, compareRawOutput, logTolerance);
                Assert.Equal(reference.Usage.PromptTokens, warm.Usage.PromptTokens);
            }
        }
    }

    private static void AssertSame(GuardVerdict reference, GuardVerdict warm, bool compareRawOutput, double logTolerance = 1e-3)
    {
        Assert.Equal(reference.Outcome, warm.Outcome);
        Assert.Equal(reference.Categories, warm.Categories);
        if (compareRawOutput)
        {
            Assert.Equal(reference.RawOutput, warm.RawOutput);
        }

        Assert.NotNull(warm.UnsafeProbability);
        Assert.Equal(reference.UnsafeProbability!.Value, warm.UnsafeProbability!.Value, 1e-4);
        Assert.True(
            Math.Abs(Math.Log(reference.UnsafeProbability.Value) - Math.Log(warm.UnsafeProbability.Value)) < logTolerance,
            $"P(unsafe) {reference.UnsafeProbability} vs {warm.UnsafeProbability}");
    }

    private static Task<LlamaGuardEngine> Load(
        string path, bool cache = true, bool fastVerdict = true, int maxCached = 64, bool spill = true, bool preExtend = true, int chunk = 16) =>
        LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            PreExtendBranches = preExtend,
            BackgroundChunkTokens = chunk,
            ModelPath = path,
            ContextSize = 16384,
            Threads = 1,
            MaxSequences = 8,
            PrefixCache = cache,
            SessionCache = cache,
            SpillToHost = spill,
            MaxCachedSequences = maxCached,
            FastVerdict = fastVerdict,
        });
}
