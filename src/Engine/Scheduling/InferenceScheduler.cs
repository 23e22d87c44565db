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
/// ones. The context is owned by a single dedicated thread (LLamaContext is not thread-safe).
/// </summary>
internal sealed partial class InferenceScheduler : IDisposable
{
    private readonly LLamaContext _context;
    private readonly EngineOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SequenceJob> _queue;
    private readonly Stack<int> _freeSequenceIds;
    private readonly List<SequenceJob> _active = [];
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stopping = new();
    private SequenceJob? _waiting;
    private int _reservedCells;
    private long _decodeCalls;
    private long _decodedTokens;

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
        _freeSequenceIds = new Stack<int>(Enumerable.Range(0, options.MaxSequences).Reverse());
        _thread = new Thread(Run) { IsBackground = true, Name = "guard-inference" };
        _thread.Start();
    }

    /// <summary>Decode calls made so far and tokens submitted in them (sequences per call = ratio of steps).</summary>
    public (long DecodeCalls, long Tokens) Counters => (Interlocked.Read(ref _decodeCalls), Interlocked.Read(ref _decodedTokens));

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
    }

    private void Run()
    {
        var batch = new LLamaBatch();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Admit();
                DropCancelled();
                if (_active.Count == 0)
                {
                    WaitForWork();
                    continue;
                }

                Step(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
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
            return;
        }

        _queue.Reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Moves queued jobs into free sequence slots while their KV reservation fits.</summary>
    private void Admit()
    {
        while (_freeSequenceIds.Count > 0)
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

            if (_reservedCells + job.ReservedCells > _options.ContextSize)
            {
                // Head-of-line waits for cells; order is kept so a big prompt is not starved by small ones.
                _waiting = job;
                return;
            }

            job.SequenceId = _freeSequenceIds.Pop();
            job.AdmittedAt = Stopwatch.GetTimestamp();
            _reservedCells += job.ReservedCells;
            _active.Add(job);
        }
    }

    private void DropCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var job = _active[i];
            if (job.CancellationToken.IsCancellationRequested)
            {
                Release(job);
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

        // Decoding sequences first: one token each keeps their latency flat while prefills queue up.
        foreach (var job in _active)
        {
            if (!job.IsPrefilling && budget > 0)
            {
                var index = batch.Add(job.Decoder.LastToken, job.NextPosition++, (LLamaSeqId)job.SequenceId, true);
                logitOwners.Add((job, index));
                budget--;
            }
        }

        foreach (var job in _active)
        {
            if (!job.IsPrefilling || budget == 0)
            {
                continue;
            }

            var take = Math.Min(budget, job.PromptTokens.Length - job.PrefillCursor);
            for (var i = 0; i < take; i++)
            {
                var last = job.PrefillCursor + 1 == job.PromptTokens.Length;
                var index = batch.Add(job.PromptTokens[job.PrefillCursor], job.NextPosition++, (LLamaSeqId)job.SequenceId, last);
                job.PrefillCursor++;
                if (last)
                {
                    logitOwners.Add((job, index));
                }
            }

            budget -= take;
        }

        var result = _context.NativeHandle.Decode(batch);
        Interlocked.Increment(ref _decodeCalls);
        Interlocked.Add(ref _decodedTokens, batch.TokenCount);
        if (result != DecodeResult.Ok)
        {
            FailStep(result);
            return;
        }

        foreach (var (job, index) in logitOwners)
        {
            if (job.PrefillDoneAt == 0)
            {
                job.PrefillDoneAt = Stopwatch.GetTimestamp();
            }

            if (job.Decoder.Step(_context.NativeHandle.GetLogitsIth(index)))
            {
                Release(job);
                _active.Remove(job);
                job.Complete();
            }
        }
    }

    private void FailStep(DecodeResult result)
    {
        // A failed decode leaves the KV of this step undefined: drop every active sequence rather than guess.
        var error = new InvalidOperationException($"llama.cpp decode failed: {result}.");
        LogDecodeFailed(result, _active.Count);
        foreach (var job in _active)
        {
            Release(job);
            job.Fail(error);
        }

        _active.Clear();
    }

    private void Release(SequenceJob job)
    {
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, -1, -1);
        _freeSequenceIds.Push(job.SequenceId);
        _reservedCells -= job.ReservedCells;
        job.SequenceId = -1;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Inference scheduler crashed")]
    private partial void LogSchedulerCrashed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decode failed with {Result}; failing {Count} active sequences")]
    private partial void LogDecodeFailed(DecodeResult result, int count);
}
