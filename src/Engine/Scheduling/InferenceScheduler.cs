using System.Collections.Concurrent;
using System.Diagnostics;
using GuardCluster.Core.Telemetry;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Continuous batching over one llama.cpp context. LLamaSharp serialises every decode process-wide, so
/// throughput comes from packing many sequences into each decode call: every step carries one token for
/// each decoding sequence plus prefill chunks, within a token budget so a long prompt cannot starve short
/// ones. Each admitted job starts from the longest KV the cache can give it (its conversation branch, else the
/// policy header), so only new tokens are prefilled. Tenants are served fairly: one queue each, a share of the
/// sequences each, and (see <see cref="Step"/>) a small step share for a tenant using more than its part. The
/// context and the cache are owned by one thread (LLamaContext is not thread-safe); if that thread dies the
/// scheduler fails every waiting caller at once and reports it (<see cref="Failure"/>), never stalls.
/// </summary>
internal sealed partial class InferenceScheduler : IDisposable
{
    // A job that cannot get its cells for this long stops further admissions until it can (running jobs finish).
    private static readonly TimeSpan StarvationLimit = TimeSpan.FromSeconds(1);

    private readonly LLamaContext _context;
    private readonly EngineOptions _options;
    private readonly ILogger _logger;
    private readonly Action<Exception>? _crashed;
    private readonly GuardMetrics? _metrics;
    private readonly JobQueue _queue;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Stack<int> _freeJobSequenceIds;
    private readonly Dictionary<string, int> _jobSequencesByTenant = new(StringComparer.Ordinal);
    private readonly List<SequenceJob> _active = [];
    private readonly KvCache _cache;
    private readonly TenantUsage _usage = new();
    private readonly Thread _thread;
    private readonly Dictionary<string, int[]> _pendingExtensions = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingOrder = new();
    private volatile bool _stopping;
    private volatile Exception? _failure;
    private SequenceJob? _starving;
    private SequenceJob? _background;
    private int _reservedCells;
    private long _capacityEpoch;
    private long _decodeCalls;
    private long _decodedTokens;
    private long _decodedSequences;

    public InferenceScheduler(LLamaContext context, EngineOptions options, ILogger logger, KvSpillFolder? spillFolder = null, Action<Exception>? crashed = null, GuardMetrics? metrics = null)
    {
        _metrics = metrics;
        _context = context;
        _options = options;
        _logger = logger;
        _crashed = crashed;
        _queue = new JobQueue(options.QueueCapacity, options.EffectiveQueueCapacityPerTenant);
        _freeJobSequenceIds = new Stack<int>(Enumerable.Range(0, options.MaxSequences).Reverse());
        _cache = new KvCache(context, options.ToKvCacheOptions(), firstSequenceId: options.MaxSequences, spillFolder);
        _thread = new Thread(Run) { IsBackground = true, Name = "guard-inference" };
        _thread.Start();
    }

    /// <summary>Decode calls made so far and tokens submitted in them.</summary>
    public (long DecodeCalls, long Tokens) Counters => (Interlocked.Read(ref _decodeCalls), Interlocked.Read(ref _decodedTokens));

    /// <summary>Sequences summed over all decode calls (÷ decode calls = sequences batched per call).</summary>
    public long SequencesDecoded => Interlocked.Read(ref _decodedSequences);

    public KvCacheStatistics CacheStatistics => _cache.Statistics;

    /// <summary>Jobs waiting for a sequence now.</summary>
    public int QueueDepth => _queue.Count;

    /// <summary>Why the scheduler thread died, or null while it runs.</summary>
    public Exception? Failure => _failure;

    /// <summary>Test hook: runs on the scheduler thread between steps (throwing there kills the thread like a native fault would).</summary>
    internal Action<InferenceScheduler>? BeforeStep { get; set; }

    /// <summary>Test hook: the cache, for invariant checks from <see cref="BeforeStep"/>.</summary>
    internal KvCache Cache => _cache;

    public Task<SequenceJob> SubmitAsync(SequenceJob job)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_failure is { } failure)
        {
            throw new EngineUnavailableException("The inference engine failed and is restarting; retry shortly.", failure);
        }

        if (!_queue.TryAdd(job, out var refusal))
        {
            throw new EngineOverloadedException(refusal!);
        }

        if (job.CancellationToken.CanBeCanceled)
        {
            // Dropped from the queue (or the running step) at the scheduler's next look, not when it would have been admitted.
            var registration = job.CancellationToken.Register(static state =>
            {
                var (j, wake) = ((SequenceJob, SemaphoreSlim))state!;
                j.Cancel();
                Wake(wake);
            }, (job, _wake));
            job.Completion.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, TaskScheduler.Default);
        }

        Wake(_wake);
        return job.Completion;
    }

    /// <summary>Test hook: checks the cache's bookkeeping on the scheduler thread (between steps).</summary>
    internal Task CheckCacheAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _commands.Enqueue(() =>
        {
            try
            {
                _cache.CheckInvariants();
                done.TrySetResult();
            }
            catch (InvalidOperationException ex)
            {
                done.TrySetException(ex);
            }
        });
        Wake(_wake);
        return done.Task;
    }

    /// <summary>Forgets cached KV whose key starts with <paramref name="keyPrefix"/> (in every tier) on the scheduler thread.</summary>
    public Task<int> ForgetAsync(string keyPrefix)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_failure is not null || _stopping)
        {
            done.SetResult(0);
            return done.Task;
        }

        _commands.Enqueue(() =>
        {
            _pendingExtensions.Keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToList().ForEach(k => _pendingExtensions.Remove(k));
            if (_background?.BranchKey?.StartsWith(keyPrefix, StringComparison.Ordinal) == true)
            {
                StopBackground();
            }

            done.TrySetResult(_cache.Forget(keyPrefix));
        });
        Wake(_wake);
        return done.Task;
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        Wake(_wake);
        _thread.Join();
        _cache.Dispose();
        _wake.Dispose();
    }

    private int FreeCells => _options.ContextSize - _cache.ResidentCells - _reservedCells;

    private int ForegroundCount => _active.Count - (_background is null ? 0 : 1);

    private static void Wake(SemaphoreSlim wake)
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    private void Run()
    {
        var batch = new LLamaBatch();
        try
        {
            while (!_stopping)
            {
                RunCommands();
                BeforeStep?.Invoke(this);
                Admit();
                DropCancelled();
                if (ForegroundCount == 0 && _queue.Count == 0)
                {
                    _cache.SpillIdle();
                    _capacityEpoch++;
                    if (_background is null)
                    {
                        StartBackground();
                    }
                }

                if (_active.Count == 0)
                {
                    // Wake up at least once a second so idle conversation branches get spilled while nothing else runs;
                    // sooner while jobs wait (they can only wait on a branch that another job is about to return).
                    _wake.Wait(_queue.Count > 0 ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromSeconds(1));
                    continue;
                }

                Step(batch);
            }
        }
        catch (Exception ex) when (!_stopping)
        {
            _failure = ex;
            LogSchedulerCrashed(ex);
            var unavailable = new EngineUnavailableException("The inference engine failed and is restarting; retry shortly.", ex);
            FailEverything(unavailable);
            _crashed?.Invoke(ex);
            return;
        }
        catch (Exception)
        {
            // Shutting down.
        }

        FailEverything(new ObjectDisposedException(nameof(InferenceScheduler)));
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            command();
            _capacityEpoch++;
        }
    }

    private void FailEverything(Exception error)
    {
        foreach (var job in _active)
        {
            job.Fail(error);
        }

        _active.Clear();
        foreach (var job in _queue.TakeAll())
        {
            job.Fail(error);
        }

        while (_commands.TryDequeue(out _))
        {
        }
    }

    private void DropCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var job = _active[i];
            if (!job.IsBackground && (job.CancellationToken.IsCancellationRequested || job.Completion.IsCompleted))
            {
                Finish(job, succeeded: false);
                _active.RemoveAt(i);
                job.Cancel();
            }
        }
    }

    /// <summary>
    /// Releases a job's sequence. A finished branch keeps the conversation part of its prompt (the suffix
    /// and answer depend on the role word and are dropped) so the next turn only prefills what is new; the
    /// policy header is kept as a shared prefix the first time it is seen.
    /// </summary>
    private void Finish(SequenceJob job, bool succeeded)
    {
        _capacityEpoch++;
        _reservedCells -= job.ReservedCells;
        job.ReservedCells = 0;
        job.State = JobState.Finished;
        if (succeeded && job.HeaderTokens > 0 && job.PrefillCursor >= job.HeaderTokens)
        {
            _cache.StorePrefix(job.PromptTokens.AsSpan(0, job.HeaderTokens), job.PrefixOwner, job.SequenceId, FreeCells);
        }

        if (job.Branch is { } branch)
        {
            var keep = succeeded ? Math.Min(job.ConversationTokens, job.PromptTokens.Length) : branch.Tokens.Length;
            keep = Math.Max(keep, 0);
            if (succeeded && job.HeaderTokens > 0 && keep >= job.HeaderTokens)
            {
                branch.HeaderTokens = job.HeaderTokens;
                if (job.SiblingBranchKey is { } sibling && keep > job.HeaderTokens)
                {
                    QueueExtension(sibling, job.PromptTokens[job.HeaderTokens..keep]);
                }
            }

            _cache.Truncate(job.SequenceId, keep);
            _cache.ReturnBranch(branch, job.PromptTokens[..keep]);
            job.Branch = null;
        }
        else if (job.HoldsJobSequence)
        {
            ReleaseJobSequence(job);
        }

        job.SequenceId = -1;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Inference scheduler crashed; failing every waiting request and restarting the engine")]
    private partial void LogSchedulerCrashed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decode failed with {Result}; failing {Count} active sequences")]
    private partial void LogDecodeFailed(DecodeResult result, int count);
}
