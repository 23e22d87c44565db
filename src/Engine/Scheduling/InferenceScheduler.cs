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

    /// <summary>
    /// Starts waiting jobs while they fit, fairly: tenants with fewer running jobs first, each tenant's jobs in
    /// arrival order. A job that cannot get its cells now does not hold back the jobs behind it, unless it has
    /// waited past <see cref="StarvationLimit"/> while its tenant has nothing running: then nothing else starts until it
    /// does (running jobs finish in bounded time, and everything admitted fits in an empty cache). A tenant's running
    /// jobs hold at most three quarters of the context's cells, so another tenant's check always has room.
    /// </summary>
    private void Admit()
    {
        _queue.Refresh();
        if (_starving is { } starving)
        {
            if (starving.IsFinished)
            {
                _starving = null;
            }
            else if (starving.BlockedAtEpoch == _capacityEpoch || TryAdmit(starving) != StartResult.Started)
            {
                return;
            }
            else
            {
                _starving = null;
            }
        }

        var now = Stopwatch.GetTimestamp();
        bool admitted;
        do
        {
            admitted = false;
            foreach (var tenant in _queue.ByTenant.Keys.OrderBy(RunningJobs).ThenBy(t => _queue.ByTenant[t][0].EnqueuedAt).ToArray())
            {
                foreach (var job in _queue.ByTenant[tenant].ToArray())
                {
                    if (job.BlockedAtEpoch == _capacityEpoch && !job.CancellationToken.IsCancellationRequested)
                    {
                        continue;
                    }

                    var result = TryAdmit(job);
                    if (result == StartResult.Started)
                    {
                        admitted = true;
                        break;
                    }

                    // Only a tenant with nothing running can starve: one with running jobs gets their cells back.
                    if (result == StartResult.NoCells && Stopwatch.GetElapsedTime(job.EnqueuedAt, now) > StarvationLimit && RunningJobs(job.Tenant) == 0)
                    {
                        _starving = job;
                        return;
                    }
                }

                if (admitted)
                {
                    break; // running counts changed: reorder the tenants
                }
            }
        }
        while (admitted);
    }

    private int RunningJobs(string tenant) => _active.Count(j => j.Tenant == tenant && !j.IsBackground);

    private int TenantCells(string tenant) => _active.Where(j => j.Tenant == tenant && !j.IsBackground).Sum(j => j.ReservedCells);

    /// <summary>Starts a queued job if it can run now; refuses one that can never run.</summary>
    private StartResult TryAdmit(SequenceJob job)
    {
        if (job.CancellationToken.IsCancellationRequested || job.IsFinished)
        {
            _queue.Remove(job);
            job.Cancel();
            return StartResult.Gone;
        }

        if (_options.CellsFor(job.PromptTokens.Length) > _options.ContextSize)
        {
            // The engine refuses these before queueing; kept so that no path can park a job that never fits.
            _queue.Remove(job);
            job.Fail(new Core.GuardValidationException(
                "prompt_too_long", $"The prompt is {job.PromptTokens.Length} tokens; at most {_options.MaxPromptTokens} fit in the engine's context.", "messages", isLimit: true));
            return StartResult.Gone;
        }

        var result = TryStart(job);
        if (result == StartResult.Started)
        {
            _queue.Remove(job);
            job.AdmittedAt = Stopwatch.GetTimestamp();
            job.State = JobState.Prefilling;
            _active.Add(job);
        }

        return result;
    }

    private StartResult TryStart(SequenceJob job)
    {
        if (job.BranchKey is { } branchKey)
        {
            // This job extends the branch itself; a background job on it gives way, keeping what it prefilled.
            _pendingExtensions.Remove(branchKey);
            if (_background?.BranchKey == branchKey)
            {
                StopBackground();
            }
        }

        var tokens = job.PromptTokens;
        var header = tokens.AsSpan(0, job.HeaderTokens);
        int cursor;
        if (job.BranchKey is { } key && _cache.BorrowBranch(key, job.Tenant, tokens, FreeCells) is { } branch)
        {
            if (branch.Tokens.Length < job.HeaderTokens && _cache.FindPrefix(header, job.PrefixOwner) is { } prefix)
            {
                _cache.ResetBranchTo(branch, prefix);
            }

            job.Branch = branch;
            job.SequenceId = branch.SequenceId;
            cursor = branch.Tokens.Length;
        }
        else
        {
            if (_freeJobSequenceIds.Count == 0 || _jobSequencesByTenant.GetValueOrDefault(job.Tenant) >= _options.EffectiveMaxSequencesPerTenant)
            {
                return StartResult.NoSequence;
            }

            job.SequenceId = _freeJobSequenceIds.Pop();
            job.HoldsJobSequence = true;
            _jobSequencesByTenant[job.Tenant] = _jobSequencesByTenant.GetValueOrDefault(job.Tenant) + 1;
            cursor = 0;
            if (_cache.FindPrefix(header, job.PrefixOwner) is { } prefix)
            {
                _cache.Statistics.PrefixHits++;
                _context.NativeHandle.MemorySequenceCopy((LLamaSeqId)prefix.SequenceId, (LLamaSeqId)job.SequenceId, 0, prefix.Tokens.Length);
                cursor = prefix.Tokens.Length;
            }
            else if (header.Length > 0)
            {
                _cache.Statistics.PrefixMisses++;
            }
        }

        // At least the last prompt token is always decoded: its logits start the answer.
        if (cursor >= tokens.Length)
        {
            cursor = tokens.Length - 1;
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, cursor, -1);
            if (job.Branch is { } b)
            {
                _cache.Trim(b, tokens[..cursor]);
            }
        }

        var reservation = _options.CellsFor(tokens.Length) - cursor;
        if (job.Tenant.Length > 0 && TenantCells(job.Tenant) is var held && held > 0 && held + reservation > _options.ContextSize * 3 / 4)
        {
            // A tenant's running jobs keep a quarter of the context free for the others (one job alone may use it all).
            Unstart(job, cursor);
            job.BlockedAtEpoch = _capacityEpoch;
            return StartResult.NoSequence;
        }

        if (reservation > FreeCells && _background is not null)
        {
            StopBackground();
        }

        if (reservation > FreeCells && !_cache.MakeRoom(reservation - FreeCells))
        {
            Unstart(job, cursor);
            job.BlockedAtEpoch = _capacityEpoch;
            return StartResult.NoCells;
        }

        job.ReservedCells = reservation;
        _reservedCells += reservation;
        job.CachedTokens = cursor;
        job.PrefillCursor = cursor;
        job.NextPosition = cursor;
        return StartResult.Started;
    }

    /// <summary>Undoes <see cref="TryStart"/> for a job that cannot get its cells yet.</summary>
    private void Unstart(SequenceJob job, int cursor)
    {
        if (job.Branch is { } branch)
        {
            _cache.ReturnBranch(branch, job.PromptTokens[..cursor]);
            job.Branch = null;
        }
        else
        {
            ReleaseJobSequence(job);
        }

        job.SequenceId = -1;
    }

    private void ReleaseJobSequence(SequenceJob job)
    {
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, -1, -1);
        _freeJobSequenceIds.Push(job.SequenceId);
        job.HoldsJobSequence = false;
        if (_jobSequencesByTenant.GetValueOrDefault(job.Tenant) <= 1)
        {
            _jobSequencesByTenant.Remove(job.Tenant);
        }
        else
        {
            _jobSequencesByTenant[job.Tenant]--;
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
        var sequence = (LLamaSeqId)job.SequenceId;
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

            _context.NativeHandle.MemorySequenceRemove(sequence, keep, -1);
            _cache.ReturnBranch(branch, job.PromptTokens[..keep]);
            job.Branch = null;
        }
        else if (job.HoldsJobSequence)
        {
            ReleaseJobSequence(job);
        }

        job.SequenceId = -1;
    }

    private enum StartResult
    {
        Started,

        /// <summary>No sequence free for it now (or its tenant holds its share of sequences or cells).</summary>
        NoSequence,

        /// <summary>Its cells cannot be had now.</summary>
        NoCells,

        /// <summary>Cancelled or refused; it left the queue.</summary>
        Gone,
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Inference scheduler crashed; failing every waiting request and restarting the engine")]
    private partial void LogSchedulerCrashed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decode failed with {Result}; failing {Count} active sequences")]
    private partial void LogDecodeFailed(DecodeResult result, int count);
}
