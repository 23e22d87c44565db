using System.Diagnostics;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Continuous batching over one llama.cpp context. LLamaSharp serialises every decode process-wide, so
/// throughput comes from packing many sequences into each decode call: every step carries one token for
/// each decoding sequence plus prefill chunks, within a token budget so a long prompt cannot starve short
/// ones. Each admitted job starts from the longest KV the cache can give it (its conversation branch, else the
/// policy header), so only new tokens are prefilled. The context and the cache are owned by one thread
/// (LLamaContext is not thread-safe).
/// </summary>
internal sealed partial class InferenceScheduler : IDisposable
{
    // Tokens every prefilling sequence gets per step before the rest is handed out shortest-first.
    private const int MinPrefillSlice = 16;

    // Grammar-forced draft tokens fed beyond the last chosen token (VerdictDecoder.Draft).
    private const int MaxDraftTokens = 2;

    private readonly LLamaContext _context;
    private readonly EngineOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SequenceJob> _queue;
    private readonly Stack<int> _freeJobSequenceIds;
    private readonly List<SequenceJob> _active = [];
    private readonly KvCache _cache;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, int[]> _pendingExtensions = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingOrder = new();
    private SequenceJob? _waiting;
    private SequenceJob? _background;
    private int _reservedCells;
    private long _decodeCalls;
    private long _decodedTokens;
    private long _decodedSequences;

    public InferenceScheduler(LLamaContext context, EngineOptions options, ILogger logger)
    {
        _context = context;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<SequenceJob>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _freeJobSequenceIds = new Stack<int>(Enumerable.Range(0, options.MaxSequences).Reverse());
        _cache = new KvCache(context, options.ToKvCacheOptions(), firstSequenceId: options.MaxSequences);
        _thread = new Thread(Run) { IsBackground = true, Name = "guard-inference" };
        _thread.Start();
    }

    /// <summary>Decode calls made so far and tokens submitted in them.</summary>
    public (long DecodeCalls, long Tokens) Counters => (Interlocked.Read(ref _decodeCalls), Interlocked.Read(ref _decodedTokens));

    /// <summary>Sequences summed over all decode calls (÷ decode calls = sequences batched per call).</summary>
    public long SequencesDecoded => Interlocked.Read(ref _decodedSequences);

    public KvCacheStatistics CacheStatistics => _cache.Statistics;

    public Task<SequenceJob> SubmitAsync(SequenceJob job)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (!_queue.Writer.TryWrite(job))
        {
            throw new EngineOverloadedException(
                $"The inference queue is full ({_options.QueueCapacity} waiting requests); retry later.");
        }

        return job.Completion;
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _stopping.Cancel();
        _thread.Join();
        _stopping.Dispose();
        _cache.Dispose();
    }

    private int FreeCells => _options.ContextSize - _cache.ResidentCells - _reservedCells;

    private int ForegroundCount => _active.Count - (_background is null ? 0 : 1);

    private void Run()
    {
        var batch = new LLamaBatch();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Admit();
                DropCancelled();
                if (ForegroundCount == 0 && _waiting is null)
                {
                    _cache.SpillIdle();
                    if (_background is null)
                    {
                        StartBackground();
                    }
                }

                if (_active.Count == 0)
                {
                    WaitForWork();
                    continue;
                }

                Step(batch);
            }
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // Shutting down (a cancelled wait surfaces as OperationCanceledException or AggregateException).
        }
        catch (Exception ex)
        {
            LogSchedulerCrashed(ex);
            foreach (var job in _active)
            {
                job.Fail(ex);
            }

            _active.Clear();
        }

        var disposed = new ObjectDisposedException(nameof(InferenceScheduler));
        foreach (var job in _active)
        {
            job.Fail(disposed);
        }

        _waiting?.Fail(disposed);
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Fail(disposed);
        }
    }

    private void WaitForWork()
    {
        if (_waiting is not null)
        {
            // Nothing is active, so the head-of-line job can only be waiting for a cache branch in use: retry soon.
            Thread.Sleep(1);
            return;
        }

        // Wake up at least once a second so idle conversation branches get spilled while nothing else runs.
        _queue.Reader.WaitToReadAsync(_stopping.Token).AsTask().Wait(TimeSpan.FromSeconds(1), _stopping.Token);
    }

    /// <summary>Moves queued jobs into sequences while their KV reservation fits; order is kept.</summary>
    private void Admit()
    {
        while (true)
        {
            var job = _waiting;
            if (job is null && !_queue.Reader.TryRead(out job))
            {
                return;
            }

            _waiting = null;
            if (job.CancellationToken.IsCancellationRequested)
            {
                job.Cancel();
                continue;
            }

            if (!TryStart(job))
            {
                // Head-of-line waits, so a big prompt is not starved by small ones.
                _waiting = job;
                return;
            }

            job.AdmittedAt = Stopwatch.GetTimestamp();
            _active.Add(job);
        }
    }

    private bool TryStart(SequenceJob job)
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
        if (job.BranchKey is { } key && _cache.BorrowBranch(key, tokens, FreeCells) is { } branch)
        {
            if (branch.Tokens.Length < job.HeaderTokens && _cache.FindPrefix(header) is { } prefix)
            {
                _cache.ResetBranchTo(branch, prefix);
            }

            job.Branch = branch;
            job.SequenceId = branch.SequenceId;
            cursor = branch.Tokens.Length;
        }
        else
        {
            if (_freeJobSequenceIds.Count == 0)
            {
                return false;
            }

            job.SequenceId = _freeJobSequenceIds.Pop();
            cursor = 0;
            if (_cache.FindPrefix(header) is { } prefix)
            {
                _cache.Statistics.PrefixHits++;
                _context.NativeHandle.MemorySequenceCopy((LLamaSeqId)prefix.SequenceId, (LLamaSeqId)job.SequenceId, 0, prefix.Tokens.Length);
                cursor = prefix.Tokens.Length;
            }
        }

        // At least the last prompt token is always decoded: its logits start the answer.
        if (cursor >= tokens.Length)
        {
            cursor = tokens.Length - 1;
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, cursor, -1);
            if (job.Branch is { } b)
            {
                _cache.ReturnBranch(b, tokens[..cursor]);
                b.InUse = true;
            }
        }

        var reservation = tokens.Length - cursor + _options.MaxNewTokens + MaxDraftTokens;
        if (reservation > FreeCells && _background is not null)
        {
            StopBackground();
        }

        if (reservation > FreeCells && !_cache.MakeRoom(reservation - FreeCells))
        {
            Unstart(job, cursor);
            return false;
        }

        job.ReservedCells = reservation;
        _reservedCells += reservation;
        job.CachedTokens = cursor;
        job.PrefillCursor = cursor;
        job.NextPosition = cursor;
        return true;
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
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, -1, -1);
            _freeJobSequenceIds.Push(job.SequenceId);
        }

        job.SequenceId = -1;
    }

    private void DropCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var job = _active[i];
            if (job.CancellationToken.IsCancellationRequested)
            {
                Finish(job, succeeded: false);
                _active.RemoveAt(i);
                job.Cancel();
            }
        }
    }

    private void Step(LLamaBatch batch)
    {
        batch.Clear();
        var budget = Math.Max(1, _options.BatchSize);
        var logitOwners = new List<(SequenceJob Job, int Index)>(_active.Count);
        Dictionary<SequenceJob, (int[] Tokens, int FirstPosition)>? drafts = null; // only unsafe answers draft
        var inBatch = new HashSet<SequenceJob>();

        // Decoding sequences first: one token each keeps their latency flat while prefills queue up.
        foreach (var job in _active)
        {
            if (!job.IsPrefilling && !job.IsBackground && budget > 0)
            {
                var index = batch.Add(job.Decoder.LastToken, job.NextPosition++, (LLamaSeqId)job.SequenceId, true);
                logitOwners.Add((job, index));
                budget--;
                inBatch.Add(job);
                var draft = job.Decoder.Draft();
                if (draft.Count > 0 && draft.Count <= budget)
                {
                    // Grammar-forced tokens ride along; their logits (at index + 1, + 2, …) verify them.
                    drafts ??= [];
                    drafts[job] = ([.. draft], job.NextPosition);
                    foreach (var token in draft)
                    {
                        batch.Add(token, job.NextPosition++, (LLamaSeqId)job.SequenceId, true);
                    }

                    budget -= draft.Count;
                }
            }
        }

        // Prefills share what is left: every prefilling sequence first gets a small slice (nobody starves), then
        // the rest goes shortest-remaining-first (oldest first among equals): a short check is not held back by a
        // long prompt, and equal-sized checks finish in arrival order instead of all at the end.
        var prefilling = _active.Where(j => j.IsPrefilling && !j.IsBackground).ToList();
        if (prefilling.Count > 0 && budget > 0)
        {
            var slice = Math.Min(MinPrefillSlice, Math.Max(1, budget / prefilling.Count));
            foreach (var job in prefilling)
            {
                budget -= AddPrefill(batch, job, Math.Min(slice, budget), logitOwners, inBatch);
            }

            foreach (var job in prefilling.OrderBy(j => j.PromptTokens.Length - j.PrefillCursor))
            {
                budget -= AddPrefill(batch, job, budget, logitOwners, inBatch);
            }
        }

        if (batch.TokenCount == 0 && _background is { } background)
        {
            // Idle otherwise: a small chunk, so a request arriving now waits at most one short step.
            AddPrefill(batch, background, Math.Min(budget, Math.Max(1, _options.BackgroundChunkTokens)), logitOwners, inBatch);
        }

        var result = _context.NativeHandle.Decode(batch);
        if (result == DecodeResult.NoKvSlot && _cache.MakeRoom(int.MaxValue))
        {
            // Out of contiguous cells: give the cache's cells back and try once more.
            result = _context.NativeHandle.Decode(batch);
        }

        Interlocked.Increment(ref _decodeCalls);
        Interlocked.Add(ref _decodedTokens, batch.TokenCount);
        Interlocked.Add(ref _decodedSequences, inBatch.Count);
        if (result != DecodeResult.Ok)
        {
            FailStep(result);
            return;
        }

        if (_background is { IsPrefilling: false })
        {
            StopBackground();
        }

        foreach (var (job, index) in logitOwners)
        {
            if (job.PrefillDoneAt == 0)
            {
                job.PrefillDoneAt = Stopwatch.GetTimestamp();
            }

            var finished = job.Decoder.Step(_context.NativeHandle.GetLogitsIth(index));
            if (drafts is not null && drafts.TryGetValue(job, out var d))
            {
                finished = AcceptDraft(job, index, d.Tokens, d.FirstPosition, finished);
            }

            if (finished)
            {
                Finish(job, succeeded: true);
                _active.Remove(job);
                job.Complete();
            }
        }
    }

    /// <summary>
    /// Keeps the draft tokens greedy decoding agrees with (each one's logits then choose the next token) and removes
    /// the rest from the sequence, so the KV and the answer are exactly what one-token steps would have produced.
    /// </summary>
    private bool AcceptDraft(SequenceJob job, int index, int[] draft, int firstPosition, bool finished)
    {
        var accepted = 0;
        while (!finished && accepted < draft.Length && job.Decoder.LastToken == draft[accepted])
        {
            accepted++;
            finished = job.Decoder.Step(_context.NativeHandle.GetLogitsIth(index + accepted));
        }

        if (accepted < draft.Length)
        {
            job.NextPosition = firstPosition + accepted;
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, job.NextPosition, -1);
        }

        return finished;
    }

    /// <summary>Adds up to <paramref name="limit"/> of a job's remaining prompt tokens; returns how many.</summary>
    private static int AddPrefill(LLamaBatch batch, SequenceJob job, int limit, List<(SequenceJob Job, int Index)> logitOwners, HashSet<SequenceJob> inBatch)
    {
        var take = Math.Min(limit, job.PromptTokens.Length - job.PrefillCursor);
        if (take <= 0)
        {
            return 0;
        }

        inBatch.Add(job);
        for (var i = 0; i < take; i++)
        {
            var last = job.PrefillCursor + 1 == job.PromptTokens.Length && !job.IsBackground;
            var index = batch.Add(job.PromptTokens[job.PrefillCursor], job.NextPosition++, (LLamaSeqId)job.SequenceId, last);
            job.PrefillCursor++;
            if (last)
            {
                logitOwners.Add((job, index));
            }
        }

        return take;
    }

    private void FailStep(DecodeResult result)
    {
        // A failed decode leaves this step's KV undefined: drop every active sequence (and its branch) rather than guess.
        var error = new InvalidOperationException($"llama.cpp decode failed: {result}.");
        LogDecodeFailed(result, _active.Count);
        foreach (var job in _active)
        {
            if (job.Branch is { } branch)
            {
                _cache.DiscardBranch(branch);
                job.Branch = null;
                job.SequenceId = -1;
            }

            Finish(job, succeeded: false);
            job.Fail(error);
        }

        _active.Clear();
        _background = null;
    }

    /// <summary>
    /// Releases a job's sequence. A finished branch keeps the conversation part of its prompt (the suffix
    /// and answer depend on the role word and are dropped) so the next turn only prefills what is new; the
    /// policy header is kept as a shared prefix the first time it is seen.
    /// </summary>
    private void Finish(SequenceJob job, bool succeeded)
    {
        _reservedCells -= job.ReservedCells;
        job.ReservedCells = 0;
        var sequence = (LLamaSeqId)job.SequenceId;
        if (succeeded && job.HeaderTokens > 0 && job.PrefillCursor >= job.HeaderTokens)
        {
            _cache.StorePrefix(job.PromptTokens.AsSpan(0, job.HeaderTokens), job.SequenceId, FreeCells);
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
        else if (job.SequenceId >= 0)
        {
            _context.NativeHandle.MemorySequenceRemove(sequence, -1, -1);
            _freeJobSequenceIds.Push(job.SequenceId);
        }

        job.SequenceId = -1;
    }

    private void QueueExtension(string branchKey, int[] conversation)
    {
        if (!_options.PreExtendBranches)
        {
            return;
        }

        if (_pendingExtensions.TryAdd(branchKey, conversation))
        {
            _pendingOrder.Enqueue(branchKey);
        }
        else
        {
            _pendingExtensions[branchKey] = conversation;
        }

        // Bounded: only branches the cache could keep are worth extending; the oldest wishes go first.
        while (_pendingExtensions.Count > Math.Max(1, _options.MaxCachedSequences) && _pendingOrder.TryDequeue(out var oldest))
        {
            _pendingExtensions.Remove(oldest);
        }
    }

    /// <summary>
    /// Starts extending an idle conversation branch with the messages its sibling (the other role's branch) saw
    /// last, so the next turn prefills only its own message and the suffix. Uses free cells only: it never evicts
    /// or restores anything, and it gives way to any request.
    /// </summary>
    private void StartBackground()
    {
        while (_pendingOrder.TryDequeue(out var key))
        {
            if (!_pendingExtensions.Remove(key, out var conversation)
                || _cache.PeekIdleBranch(key) is not { HeaderTokens: > 0 } idle
                || idle.Tokens.Length < idle.HeaderTokens)
            {
                continue;
            }

            int[] target = [.. idle.Tokens.AsSpan(0, idle.HeaderTokens), .. conversation];
            var branch = _cache.BorrowIdleBranch(key, target)!;
            var cursor = branch.Tokens.Length;
            var reservation = target.Length - cursor;
            if (reservation <= 0 || reservation > FreeCells)
            {
                _cache.ReturnBranch(branch, branch.Tokens);
                continue;
            }

            var job = SequenceJob.Background(target, key);
            job.Branch = branch;
            job.SequenceId = branch.SequenceId;
            job.CachedTokens = cursor;
            job.PrefillCursor = cursor;
            job.NextPosition = cursor;
            job.ReservedCells = reservation;
            _reservedCells += reservation;
            _background = job;
            _active.Add(job);
            return;
        }
    }

    /// <summary>Ends the background job between steps; the branch keeps every token prefilled so far (exact KV).</summary>
    private void StopBackground()
    {
        if (_background is not { } job)
        {
            return;
        }

        _background = null;
        _active.Remove(job);
        _reservedCells -= job.ReservedCells;
        job.ReservedCells = 0;
        var keep = job.PrefillCursor;
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, keep, -1);
        _cache.ReturnBranch(job.Branch!, job.PromptTokens[..keep]);
        _cache.Statistics.PreExtendedTokens += keep - job.CachedTokens;
        job.Branch = null;
        job.SequenceId = -1;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Inference scheduler crashed")]
    private partial void LogSchedulerCrashed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decode failed with {Result}; failing {Count} active sequences")]
    private partial void LogDecodeFailed(DecodeResult result, int count);
}
