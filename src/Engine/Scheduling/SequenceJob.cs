using System.Diagnostics;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// One sequence's trip through the scheduler: queued → prefilling (in token-budget chunks) → decoding one
/// token per step → done. Positions are per sequence, so the KV prefix reuse of later work can start a job
/// with <see cref="PrefillCursor"/> &gt; 0 on a sequence whose cells were copied from a cached prefix.
/// </summary>
internal sealed class SequenceJob
{
    private readonly TaskCompletionSource<SequenceJob> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SequenceJob(int[] promptTokens, VerdictDecoder decoder, CancellationToken cancellationToken)
    {
        PromptTokens = promptTokens;
        Decoder = decoder;
        CancellationToken = cancellationToken;
        EnqueuedAt = Stopwatch.GetTimestamp();
    }

    public int[] PromptTokens { get; }

    public VerdictDecoder Decoder { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>KV cells this job may occupy at most (prompt plus the generation cap).</summary>
    public int ReservedCells { get; set; }

    public int SequenceId { get; set; } = -1;

    /// <summary>How many prompt tokens are already in this sequence's KV.</summary>
    public int PrefillCursor { get; set; }

    /// <summary>Next position to write (prompt tokens then generated tokens).</summary>
    public int NextPosition { get; set; }

    public bool IsPrefilling => PrefillCursor < PromptTokens.Length;

    public long EnqueuedAt { get; }

    public long AdmittedAt { get; set; }

    public long PrefillDoneAt { get; set; }

    public long CompletedAt { get; set; }

    public Task<SequenceJob> Completion => _completion.Task;

    public void Complete()
    {
        CompletedAt = Stopwatch.GetTimestamp();
        _completion.TrySetResult(this);
    }

    public void Fail(Exception error) => _completion.TrySetException(error);

    public void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
