using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Verdicts;
using GuardCluster.Models;

namespace GuardCluster.Engine.Tests;

/// <summary>
/// Nothing stalls the engine: every prompt size around the context edge is answered or refused at once (and the next
/// small request still runs), long conversations keep a window of their newest turns, a dead scheduler answers 503 and
/// is restarted, and one tenant cannot take the whole queue or every sequence.
/// </summary>
public sealed class SchedulerAdmissionTests
{
    private const int ContextSize = 1024;
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Every_prompt_size_around_the_context_edge_is_answered_or_refused_at_once()
    {
        await using var engine = await Load();
        var custom = new SafetyPolicy([new SafetyCategory("S1", "Violent crimes."), new SafetyCategory("S10", "Hate.")], []);
        var maxPrompt = ContextSize - engine.Options.MaxNewTokens - EngineOptions.MaxDraftTokens;

        // Words whose count puts each kind of prompt right at the edge (one more token per word).
        foreach (var (name, build) in new (string, Func<int, (GuardRequest Request, GuardRequest? Before)>)[]
        {
            ("classify with categories", n => (new GuardRequest(new Conversation([ChatMessage.User(Words(n))]), custom), null)),
            ("first turn", n => (Session($"first-{n}", Words(n)), null)),
            ("later turn", n => (Session($"later-{n}", "hello there", "hi, how can I help?", Words(n)), Session($"later-{n}", "hello there"))),

            // Another policy's header is cached first: its cells must be given back for a prompt at the edge, not fail it.
            ("default policy after another policy's header", n => (
                new GuardRequest(new Conversation([ChatMessage.User(Words(n))]), SafetyPolicy.Default),
                new GuardRequest(new Conversation([ChatMessage.User($"hello {n}")]), LongPolicy))),
        })
        {
            var edge = FirstWordCountAbove(engine, n => build(n).Request, maxPrompt);
            var answered = 0;
            var refused = 0;
            for (var n = edge - 24; n <= edge + 6; n++)
            {
                var (request, before) = build(n);
                var tokens = PromptTokens(engine, request);
                if (before is not null)
                {
                    await engine.ClassifyAsync(before).WaitAsync(AtOnce);
                }

                try
                {
                    var verdict = await engine.ClassifyAsync(request).WaitAsync(AtOnce);
                    Assert.True(tokens <= maxPrompt, $"{name}: {tokens} tokens were accepted");
                    Assert.Equal(tokens - 1, verdict.Usage.PromptTokens); // usage counts the fast path's "\n\n" as answer
                    answered++;
                }
                catch (GuardValidationException error)
                {
                    Assert.Equal("prompt_too_long", error.Code);
                    Assert.True(error.IsLimit);
                    Assert.True(tokens > maxPrompt, $"{name}: {tokens} tokens were refused");
                    refused++;
                }

                var small = await engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User($"small {n}")]), SafetyPolicy.Default)).WaitAsync(AtOnce);
                Assert.Equal(VerdictOutcome.Safe, small.Outcome);
            }

            Assert.True(answered > 10 && refused > 3, $"{name}: {answered} answered, {refused} refused");
        }
    }

    [Fact]
    public async Task Input_far_larger_than_the_context_is_refused_without_being_tokenized()
    {
        await using var engine = await Load();
        var huge = new string('x', 5_000_000);

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<GuardValidationException>(
            () => engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User(huge)]), SafetyPolicy.Default)));

        Assert.Equal("prompt_too_long", error.Code);
        Assert.Contains("at least", error.Message, StringComparison.Ordinal); // the size bound, not a token count
        Assert.True(DateTime.UtcNow - started < AtOnce);
    }

    [Fact]
    public async Task A_long_conversation_keeps_a_window_of_its_newest_turns_that_its_branch_follows()
    {
        await using var engine = await Load(contextSize: 2048);
        await using var cold = await Load(cache: false, contextSize: 2048);
        var history = new List<ChatMessage>();
        var truncated = 0;
        var reused = 0;
        for (var turn = 0; turn < 90; turn++)
        {
            history.Add(turn % 2 == 0
                ? ChatMessage.User($"turn {turn}: {Words(20)} and kill the weeds")
                : ChatMessage.Assistant($"turn {turn}: {Words(30)}"));
            var request = new GuardRequest(new Conversation([.. history]), SafetyPolicy.Default, SessionKey: "window", AllowHistoryWindow: true);

            var verdict = await engine.ClassifyAsync(request).WaitAsync(AtOnce);
            var reference = await cold.ClassifyAsync(request with { SessionKey = null }).WaitAsync(AtOnce);

            Assert.Equal(reference.RawOutput, verdict.RawOutput);
            Assert.Equal(reference.Warnings, verdict.Warnings);
            Assert.Equal(reference.UnsafeProbability!.Value, verdict.UnsafeProbability!.Value, 1e-4);
            Assert.True(verdict.Usage.PromptTokens <= 2048);
            if (verdict.Warnings.Contains(PromptWarnings.HistoryTruncated))
            {
                truncated++;
                if (verdict.Usage.CachedTokens > verdict.Usage.PromptTokens / 2)
                {
                    reused++;
                }
            }
        }

        Assert.True(truncated > 20, $"{truncated} truncated turns");
        Assert.True(reused > truncated / 2, $"the branch was reused on {reused} of {truncated} windowed turns");

        // Without the window the same conversation is refused, never stalled.
        var refused = await Assert.ThrowsAsync<GuardValidationException>(
            () => engine.ClassifyAsync(new GuardRequest(new Conversation([.. history]), SafetyPolicy.Default, SessionKey: "window")));
        Assert.Equal("prompt_too_long", refused.Code);
    }

    [Fact]
    public async Task A_dead_scheduler_fails_callers_at_once_and_the_engine_restarts()
    {
        await using var engine = await Load();
        await engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User("before")]), SafetyPolicy.Default));
        engine.Scheduler.BeforeStep = _ => throw new InvalidOperationException("simulated native fault");

        var failed = await Assert.ThrowsAsync<EngineUnavailableException>(
            () => engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User("during")]), SafetyPolicy.Default)).WaitAsync(AtOnce));
        Assert.IsType<InvalidOperationException>(failed.InnerException);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!engine.Health.IsReady && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(engine.Health.IsReady, engine.Health.Status);
        Assert.Equal(1, engine.Health.Restarts);
        var after = await engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User("how do I kill my neighbour")]), SafetyPolicy.Default)).WaitAsync(AtOnce);
        Assert.Equal(VerdictOutcome.Unsafe, after.Outcome);
    }

    [Fact]
    public async Task One_tenant_cannot_fill_the_queue_or_every_sequence_and_cancelled_waiters_leave_at_once()
    {
        await using var engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 16384,
            BatchSize = 32,
            UBatchSize = 32,
            Threads = 1,
            MaxSequences = 2,
            QueueCapacity = 16,
            QueueCapacityPerTenant = 4,
        });
        var longText = string.Concat(Enumerable.Repeat("a long and harmless sentence about the sea ", 120));
        using var giveUp = new CancellationTokenSource();
        var flood = Enumerable.Range(0, 12)
            .Select(i => Capture(engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User($"{i} {longText}")]), SafetyPolicy.Default, TenantId: "noisy"), giveUp.Token)))
            .ToArray();
        await Task.Delay(50);

        // Tenant B still gets in, on the sequence the noisy tenant may not take, ahead of the noisy backlog.
        var quiet = await engine.ClassifyAsync(new GuardRequest(new Conversation([ChatMessage.User("a short question")]), SafetyPolicy.Default, TenantId: "quiet")).WaitAsync(AtOnce);
        Assert.Equal(VerdictOutcome.Safe, quiet.Outcome);
        Assert.True(flood.Count(t => !t.IsCompleted) >= 3, "the noisy backlog finished before the quiet check");

        giveUp.Cancel();
        var outcomes = await Task.WhenAll(flood).WaitAsync(AtOnce);
        Assert.True(outcomes.Count(o => o == "overloaded") >= 12 - 4 - 2, string.Join(",", outcomes));
        Assert.Contains("cancelled", outcomes);
        var deadline = DateTime.UtcNow + AtOnce;
        while (engine.QueueDepth > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, engine.QueueDepth);
    }

    [Fact]
    public async Task One_tenants_long_prompts_leave_cells_for_another_tenants_check()
    {
        await using var engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 8192,
            Threads = 1,
            MaxSequences = 8,
        });

        // Custom policies: no cached header, so every job reserves its whole prompt.
        var policy = SafetyPolicy.Default with { ExcludedCodes = ["S10"] };
        GuardRequest Request(string tenant, int words, int i = 0) => new(new Conversation([ChatMessage.User($"{i} {Words(words)}")]), policy, TenantId: tenant);
        int Cells(GuardRequest r) => engine.Options.CellsFor(PromptTokens(engine, r));

        // Four noisy prompts fill the context; three stay within the tenant's three quarters and leave room for the quiet one.
        var noisyWords = Enumerable.Range(1, 4000).First(w => Cells(Request("noisy", w)) > 1900);
        var quietWords = Enumerable.Range(1, 4000).First(w => Cells(Request("quiet", w)) > 1000);
        Assert.InRange(Cells(Request("noisy", noisyWords)), 1901, 2047);

        // Steps as slow as a real model's, so the noisy prompts are still running when the quiet check comes.
        engine.Scheduler.BeforeStep = _ => Thread.Sleep(30);
        var flood = Enumerable.Range(0, 6).Select(i => engine.ClassifyAsync(Request("noisy", noisyWords, i))).ToArray();
        await Task.Delay(50);
        var quiet = await engine.ClassifyAsync(Request("quiet", quietWords)).WaitAsync(AtOnce);

        // Without the share the noisy tenant holds four prompts' cells and the quiet check waits for one of them to end.
        Assert.Equal(VerdictOutcome.Safe, quiet.Outcome);
        Assert.True(flood.All(t => !t.IsCompleted), "the quiet check waited for the noisy tenant's prompts");
        await Task.WhenAll(flood).WaitAsync(AtOnce * 4);
        Assert.Equal(0, engine.QueueDepth);
    }

    private static async Task<string> Capture(Task<GuardVerdict> task)
    {
        try
        {
            await task;
            return "ok";
        }
        catch (EngineOverloadedException)
        {
            return "overloaded";
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
    }

    /// <summary>A policy whose header takes most of the context.</summary>
    private static SafetyPolicy LongPolicy { get; } = new(
        [.. Enumerable.Range(1, 8).Select(i => new SafetyCategory($"S{i}", $"Topic {i}.", Words(12)))], []);

    private static string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(i => (i % 4) switch { 0 => "sea", 1 => "sky", 2 => "sun", _ => "sand" }));

    private static GuardRequest Session(string key, params string[] texts) =>
        new(new Conversation([.. texts.Select((t, i) => i % 2 == 0 ? ChatMessage.User(t) : ChatMessage.Assistant(t))]), SafetyPolicy.Default, SessionKey: key);

    /// <summary>Tokens the engine feeds for <paramref name="request"/> (the fast path appends one "\n\n" token).</summary>
    private static int PromptTokens(LlamaGuardEngine engine, GuardRequest request) =>
        engine.Tokenize(LlamaGuardPrompt.Render(request.Conversation, request.Policy)).Count + 1;

    private static int FirstWordCountAbove(LlamaGuardEngine engine, Func<int, GuardRequest> build, int maxPrompt)
    {
        int low = 1, high = 2000;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (PromptTokens(engine, build(mid)) > maxPrompt)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }

    private static Task<LlamaGuardEngine> Load(bool cache = true, int contextSize = ContextSize) =>
        LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = contextSize,
            Threads = 1,
            MaxSequences = 4,
            PrefixCache = cache,
            SessionCache = cache,
            FastVerdict = true,
        });
}
