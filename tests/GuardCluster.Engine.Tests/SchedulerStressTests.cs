using System.Collections.Concurrent;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Verdicts;
using GuardCluster.Models;
using Xunit.Abstractions;

namespace GuardCluster.Engine.Tests;

/// <summary>
/// Randomized stress of the scheduler and the KV cache with tiny budgets (cells, sequences, host memory, disk), so
/// that hits, misses, spills, restores from memory and disk, drops, idle extension and prefix eviction all run many
/// times. Every verdict must equal a cold evaluation, the cache's bookkeeping is checked before every step, and the
/// engine must stay alive. The seed is printed; set GUARD_STRESS_SEED to replay a failure.
/// </summary>
public sealed class SchedulerStressTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Words =
    [
        "garden", "tomato", "kill", "river", "racist", "bread", "murder", "cloud", "bike", "hate", "tea", "bomb", "stone", "music",
    ];

    private readonly string _spillRoot = Path.Combine(Path.GetTempPath(), $"guardcluster-stress-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_spillRoot))
        {
            Directory.Delete(_spillRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Random_conversations_and_checks_under_tiny_budgets_always_match_cold_evaluation()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("GUARD_STRESS_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"stress seed {seed} (replay with GUARD_STRESS_SEED={seed})");
        var random = new Random(seed);
        var policies = new[]
        {
            SafetyPolicy.Default,
            new SafetyPolicy([new SafetyCategory("S1", "Violence."), new SafetyCategory("S10", "Hate.")], []),
            SafetyPolicy.Default with { ExcludedCodes = ["S2", "S3"] },
        };

        await using var engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 6144,
            BatchSize = 96,
            UBatchSize = 96,
            Threads = 1,
            MaxSequences = 3,
            MaxCachedSequences = 6,
            CacheCells = 3200,
            SpillBudgetBytes = 600_000,
            SpillPath = _spillRoot,
            SpillDiskBudgetBytes = 4_000_000,
            SpillAfterIdle = TimeSpan.FromMilliseconds(random.Next(100, 1500)),
            BackgroundChunkTokens = random.Next(1, 24),
            SharedStepTokens = random.Next(4, 48),
        });
        await using var cold = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = DemoModel.EnsureCached(),
            ContextSize = 4096,
            Threads = 1,
            MaxSequences = 4,
            PrefixCache = false,
            SessionCache = false,
            FastVerdict = false,
        });
        var checks = 0;
        engine.Scheduler.BeforeStep = scheduler =>
        {
            scheduler.Cache.CheckInvariants();
            Interlocked.Increment(ref checks);
        };

        var reference = new ConcurrentDictionary<string, Task<GuardVerdict>>();
        Task<GuardVerdict> Cold(GuardRequest request)
        {
            var text = string.Join("\u0001", request.Conversation.Messages.Select(m => $"{m.Role}:{m.TextParts[0]}"));
            var key = $"{Array.IndexOf(policies, request.Policy)}|{text}";
            return reference.GetOrAdd(key, _ => cold.ClassifyAsync(request with { SessionKey = null, TenantId = null }));
        }

        string Sentence(Random r, int min, int max) =>
            string.Join(' ', Enumerable.Range(0, r.Next(min, max)).Select(_ => Words[r.Next(Words.Length)]));

        const int conversations = 14;
        const int workers = 5;
        const int operationsPerWorker = 100;
        var histories = Enumerable.Range(0, conversations).Select(_ => new List<ChatMessage>()).ToArray();
        var locks = Enumerable.Range(0, conversations).Select(_ => new SemaphoreSlim(1)).ToArray();
        var verdicts = 0;

        // Most operations share the engine; a "quiet" one has it alone and then pauses, so idle spilling and the
        // background extension of the other role's branch run (and get interrupted) too.
        var permits = new SemaphoreSlim(workers);
        var quietTurn = new SemaphoreSlim(1);
        var workerSeeds = Enumerable.Range(0, workers).Select(_ => random.Next()).ToArray();

        await Task.WhenAll(workerSeeds.Select(workerSeed => Task.Run(async () =>
        {
            var r = new Random(workerSeed);
            for (var op = 0; op < operationsPerWorker; op++)
            {
                var quiet = r.Next(6) == 0;
                if (quiet)
                {
                    await quietTurn.WaitAsync();
                    for (var i = 0; i < workers; i++)
                    {
                        await permits.WaitAsync();
                    }
                }
                else
                {
                    await permits.WaitAsync();
                }

                try
                {
                    await Operation(r, quiet);
                }
                finally
                {
                    permits.Release(quiet ? workers : 1);
                    if (quiet)
                    {
                        quietTurn.Release();
                    }
                }
            }
        })));

        async Task Operation(Random r, bool quiet)
        {
            {
                var tenant = $"tenant-{r.Next(3)}";
                var policy = policies[r.Next(policies.Length)];
                GuardRequest request;
                SemaphoreSlim? held = null;
                if (r.Next(3) == 0)
                {
                    request = new GuardRequest(new Conversation([ChatMessage.User(Sentence(r, 1, 30))]), policy, TenantId: tenant);
                }
                else
                {
                    var c = r.Next(conversations);
                    held = locks[c];
                    await held.WaitAsync();
                    var history = histories[c];
                    if (history.Count >= 8 || r.Next(12) == 0)
                    {
                        history.Clear(); // a new conversation under the same key: the branch must be cut back, not trusted
                    }

                    history.Add(history.Count % 2 == 0 ? ChatMessage.User(Sentence(r, 1, 12)) : ChatMessage.Assistant(Sentence(r, 1, 24)));
                    request = new GuardRequest(new Conversation([.. history]), policy, SessionKey: $"{tenant}/conv-{c}", TenantId: tenant);
                }

                try
                {
                    using var cancel = new CancellationTokenSource();
                    if (r.Next(15) == 0)
                    {
                        cancel.CancelAfter(r.Next(0, 30)); // callers that give up mid-way must not corrupt anything
                    }

                    GuardVerdict warm;
                    try
                    {
                        warm = await engine.ClassifyAsync(request, cancel.Token).WaitAsync(TimeSpan.FromSeconds(60));
                    }
                    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                    {
                        return;
                    }

                    var expected = await Cold(request);
                    Assert.True(expected.Outcome == warm.Outcome && expected.RawOutput == warm.RawOutput
                        && Math.Abs(expected.UnsafeProbability!.Value - warm.UnsafeProbability!.Value) < 1e-4,
                        $"seed {seed}: {request.SessionKey ?? "single"} turn {request.Conversation.Messages.Count}: cold {expected.RawOutput.Trim()} {expected.UnsafeProbability} vs cached {warm.RawOutput.Trim()} {warm.UnsafeProbability}");
                    Interlocked.Increment(ref verdicts);
                }
                finally
                {
                    held?.Release();
                }

                if (quiet)
                {
                    await Task.Delay(r.Next(1, 120)); // the engine is idle: branches get extended and spill meanwhile
                }

                if (r.Next(40) == 0)
                {
                    await engine.ForgetSessionsAsync($"{tenant}/conv-{r.Next(conversations)}");
                }
            }
        }

        var stats = engine.CacheStatistics;
        output.WriteLine($"verdicts {verdicts}, steps {checks}, branch hits {stats.BranchHits}, misses {stats.BranchMisses}, spills {stats.Spills}, " +
            $"disk spills {stats.DiskSpills}, restores {stats.Restores} (disk {stats.DiskRestores}), drops {stats.Drops}, prefix hits {stats.PrefixHits}, " +
            $"pre-extended {stats.PreExtendedTokens}");
        Assert.True(engine.Health.IsReady);
        Assert.Equal(0, engine.Health.Restarts); // an invariant check that threw would have killed (and restarted) the scheduler
        Assert.True(verdicts > workers * operationsPerWorker * 3 / 4, $"only {verdicts} verdicts");
        // The paths the issue is about must run in every seed; resident hits, drops and idle extension depend on timing (how often the
        // engine happens to be idle on a busy host) and are reported above, not required.
        Assert.True(stats.Spills > 0 && stats.Restores > 0 && stats.DiskSpills > 0 && stats.DiskRestores > 0
            && stats.PrefixHits > 0,
            $"not every cache path ran: spills {stats.Spills}, restores {stats.Restores}, disk spills {stats.DiskSpills}, disk restores {stats.DiskRestores}, "
            + $"branch hits {stats.BranchHits}, prefix hits {stats.PrefixHits} (drops {stats.Drops}, pre-extended {stats.PreExtendedTokens})");
        await engine.Scheduler.CheckCacheAsync();
    }
}
