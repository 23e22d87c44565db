using System.Diagnostics;
using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Systems;

namespace GuardCluster.Bench.Workloads;

/// <summary>Drives a system through a list of checks, one at a time or from several concurrent callers.</summary>
public static class Runner
{
    public static async Task<SystemRun> SequentialAsync(
        IGuardSystem system, IReadOnlyList<BenchCheck> checks, TextWriter progress, string? name = null, TimeSpan pause = default)
    {
        var results = new List<CheckResult>(checks.Count);
        var label = name ?? system.Name;
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var busy = TimeSpan.Zero;
        foreach (var check in checks)
        {
            if (pause > TimeSpan.Zero && results.Count > 0)
            {
                await Task.Delay(pause).ConfigureAwait(false);
            }

            var started = watch.Elapsed;
            results.Add(await system.CheckAsync(check).ConfigureAwait(false));
            busy += watch.Elapsed - started;

            // Slow baselines on the full model run for minutes: show a heartbeat every 10 s.
            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = watch.Elapsed;
                progress.WriteLine($"   … {label}: {results.Count}/{checks.Count} in {watch.Elapsed.TotalSeconds:F0} s");
            }
        }

        // With pauses, throughput counts the time spent in checks only (the pauses are the caller's, not the system's).
        return pause > TimeSpan.Zero ? new SystemRun(label, results, busy.TotalSeconds) : new SystemRun(label, results);
    }

    /// <summary><paramref name="callers"/> tasks each take the next check until none is left; throughput uses wall time.</summary>
    public static async Task<SystemRun> ConcurrentAsync(IGuardSystem system, IReadOnlyList<BenchCheck> checks, int callers, string name)
    {
        var results = new CheckResult[checks.Count];
        var next = -1;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < checks.Count)
            {
                results[i] = await system.CheckAsync(checks[i]).ConfigureAwait(false);
            }
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
        return new SystemRun(name, results, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Runs a few checks that are not measured: pages in the weights, JITs the code paths, warms caches.</summary>
    public static async Task WarmUpAsync(IGuardSystem system, IEnumerable<BenchCheck> checks)
    {
        foreach (var check in checks)
        {
            await system.CheckAsync(check).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Measures a baseline classifier on its own dedicated thread (llama.cpp's worker threads otherwise fight the
    /// thread pool), after an unmeasured warm-up, one check at a time.
    /// </summary>
    public static async Task<SystemRun> BaselineAsync(
        IGuardSystem classifier, IEnumerable<BenchCheck> warmUp, IReadOnlyList<BenchCheck> checks, TextWriter progress)
    {
        using var baseline = new BaselineThread(classifier);
        await WarmUpAsync(baseline, warmUp).ConfigureAwait(false);
        return await SequentialAsync(baseline, checks, progress).ConfigureAwait(false);
    }

    /// <summary>
    /// Measures the node-llama-cpp peer (a fresh child process per call, loaded with the engine's settings) after the
    /// same unmeasured warm-up as the other systems; null when the peer is skipped. Also returns what the peer reported
    /// about itself (versions, sequences, threads).
    /// </summary>
    public static async Task<(SystemRun Run, string Description)?> PeerAsync(
        BenchContext context, IEnumerable<BenchCheck> warmUp, IReadOnlyList<BenchCheck> checks, string name, bool fresh = false)
    {
        if (context.Peer is null)
        {
            return null;
        }

        var warm = warmUp.ToList();
        using var peer = await context.StartPeerAsync([.. warm, .. checks], name, fresh).ConfigureAwait(false);
        await WarmUpAsync(peer, warm).ConfigureAwait(false);
        var run = await SequentialAsync(peer, checks, context.Output).ConfigureAwait(false);
        return (run, peer.Description);
    }
}
