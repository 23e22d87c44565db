using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;
using GuardCluster.Models;

namespace GuardCluster.Engine.Tests;

/// <summary>
/// The spill tiers (host memory, disk) under pressure: an entry being restored is never evicted under itself, a
/// conversation that comes back after many others prefills only its new message, and spilled state is discarded
/// (not trusted) when it does not match.
/// </summary>
public sealed class KvCacheTierTests : IDisposable
{
    private readonly string _spillRoot = Path.Combine(Path.GetTempPath(), $"guardcluster-spill-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_spillRoot))
        {
            Directory.Delete(_spillRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Restoring_a_branch_when_the_spill_budget_is_full_does_not_evict_the_branch_itself()
    {
        // Measure one branch's saved size, then allow ~1.5 of them in host memory: restoring A must evict B, whose
        // spill then needs room, and the oldest spilled entry is A itself (the crash in KvCache.Restore).
        long branchBytes;
        await using (var probe = await Load(spillBytes: 1L << 30))
        {
            await probe.ClassifyAsync(Turn("probe-a", User(0)));
            await probe.ClassifyAsync(Turn("probe-b", User(1)));
            branchBytes = probe.CacheStatistics.MemorySpilledBytes;
        }

        Assert.True(branchBytes > 0, "the probe did not spill");
        await using var engine = await Load(spillBytes: branchBytes * 3 / 2);
        await using var cold = await LoadCold();

        await engine.ClassifyAsync(Turn("a", User(0)));
        await engine.ClassifyAsync(Turn("b", User(1)));
        var third = Turn("a", User(0), Assistant(0), User(2));
        var verdict = await engine.ClassifyAsync(third).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(engine.Health.IsReady);
        Assert.True(engine.CacheStatistics.Restores >= 1, "A was not restored");
        Assert.True(verdict.Usage.CachedTokens > 0);
        AssertSame(await cold.ClassifyAsync(third with { SessionKey = null }), verdict);
        await engine.Scheduler.CheckCacheAsync();
        Assert.Equal("\n\nsafe", (await engine.ClassifyAsync(Turn("c", User(3)))).RawOutput);
    }

    [Fact]
    public async Task A_thousand_conversations_come_back_from_disk_and_prefill_only_their_new_message()
    {
        const int conversations = 1000;

        // 4 resident branches, host memory for ~2, everything else on disk.
        int control;
        await using (var resident = await Load(spillBytes: 1L << 30, maxCached: 8))
        {
            await resident.ClassifyAsync(Turn("control", User(500)));
            control = (await resident.ClassifyAsync(Turn("control", User(500), Assistant(500), User(501)))).Usage.CachedTokens;
        }

        await using var engine = await Load(spillBytes: 1, spillPath: _spillRoot, maxCached: 4, diskBytes: 1L << 30);
        for (var c = 0; c < conversations; c++)
        {
            await engine.ClassifyAsync(Turn($"many-{c}", User(c)));
        }

        Assert.True(engine.CacheStatistics.DiskSpills >= conversations - 8, $"disk spills {engine.CacheStatistics.DiskSpills}");
        Assert.NotEmpty(Directory.EnumerateFiles(_spillRoot, "*.kv", SearchOption.AllDirectories));

        var prefilled = new List<int>();
        for (var c = 0; c < conversations; c++)
        {
            var verdict = await engine.ClassifyAsync(Turn($"many-{c}", User(c), Assistant(c), User(c + 1)));
            prefilled.Add(verdict.Usage.PromptTokens - verdict.Usage.CachedTokens);

            // The user branch came back from disk holding what a branch that never left the context holds (the policy
            // header and the first message; numbers of other lengths shift it by a token or two): only the new
            // messages and the prompt's fixed end are prefilled.
            Assert.True(Math.Abs(verdict.Usage.CachedTokens - control) <= 6, $"conversation {c}: cached {verdict.Usage.CachedTokens}, resident control {control}");
        }

        Assert.True(engine.CacheStatistics.DiskRestores >= conversations - 8, $"disk restores {engine.CacheStatistics.DiskRestores}");
        Assert.Equal(0, engine.CacheStatistics.SpillDiscards);
        await engine.Scheduler.CheckCacheAsync();

        // Deleting a conversation removes its files; stopping the engine removes its folder.
        var filesBefore = Directory.EnumerateFiles(_spillRoot, "*.kv", SearchOption.AllDirectories).Count();
        for (var c = 0; c < 100; c++)
        {
            await engine.ForgetSessionsAsync($"many-{c}");
        }

        Assert.True(Directory.EnumerateFiles(_spillRoot, "*.kv", SearchOption.AllDirectories).Count() < filesBefore);
        await engine.DisposeAsync();
        Assert.Empty(Directory.EnumerateFiles(_spillRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Spill_folders_left_by_a_dead_engine_are_removed_and_tampered_files_are_not_trusted()
    {
        var stale = Path.Combine(_spillRoot, "engine-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(stale);
        await File.WriteAllTextAsync(Path.Combine(stale, "1.kv"), "left behind by a crashed engine");

        await using var engine = await Load(spillBytes: 1, spillPath: _spillRoot, maxCached: 1, diskBytes: 1L << 30);
        await using var cold = await LoadCold();
        Assert.False(Directory.Exists(stale));

        await engine.ClassifyAsync(Turn("t-a", User(0)));
        await engine.ClassifyAsync(Turn("t-b", User(1))); // A goes to disk
        foreach (var file in Directory.EnumerateFiles(_spillRoot, "*.kv", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            bytes[^1] ^= 0xFF;
            await File.WriteAllBytesAsync(file, bytes[..^16]); // truncated and changed: must be discarded
        }

        var next = Turn("t-a", User(0), Assistant(0), User(2));
        var verdict = await engine.ClassifyAsync(next);

        Assert.Equal(1, engine.CacheStatistics.SpillDiscards);
        AssertSame(await cold.ClassifyAsync(next with { SessionKey = null }), verdict);
    }

    private static string User(int i) => $"user message {i}: how do I grow tomatoes number {i}?";

    private static string Assistant(int i) => $"assistant answer {i}: water them and give them sun.";

    private static GuardRequest Turn(string session, params string[] texts) =>
        new(new Conversation([.. texts.Select((t, i) => i % 2 == 0 ? ChatMessage.User(t) : ChatMessage.Assistant(t))]), SafetyPolicy.Default, SessionKey: session);

    private static void AssertSame(GuardVerdict reference, GuardVerdict warm)
    {
        Assert.Equal(reference.Outcome, warm.Outcome);
        Assert.Equal(reference.RawOutput, warm.RawOutput);
        Assert.Equal(reference.UnsafeProbability!.Value, warm.UnsafeProbability!.Value, 1e-4);
    }

    private static Task<LlamaGuardEngine> Load(long spillBytes, string? spillPath = null, int maxCached = 1, long diskBytes = 0) =>
        LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 4096,
            Threads = 1,
            MaxSequences = 2,
            PrefixCache = false, // only branches compete for the resident slots
            PreExtendBranches = false,
            MaxCachedSequences = maxCached,
            SpillBudgetBytes = spillBytes,
            SpillPath = spillPath,
            SpillDiskBudgetBytes = diskBytes,
        });

    private static Task<LlamaGuardEngine> LoadCold() =>
        LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 4096,
            Threads = 1,
            MaxSequences = 2,
            PrefixCache = false,
            SessionCache = false,
            FastVerdict = false,
        });
}
