using System.Diagnostics;

namespace GuardCluster.Engine.Scheduling;

/// <summary>Where a job is on its trip through the scheduler.</summary>
internal enum JobState
{
    /// <summary>Waiting in its tenant's queue.</summary>
    Queued,

    /// <summary>Holds a sequence; prompt tokens are still being fed.</summary>
    Prefilling,

    /// <summary>Prompt done; one answer token per step.</summary>
    Decoding,

    /// <summary>Answered, refused, cancelled or failed; holds nothing.</summary>
    Finished,
}

/// <summary>
/// One sequence's trip through the scheduler: queued → admitted (its sequence starts with whatever KV the
/// cache could give it: a conversation branch or a policy-header prefix) → prefilling the rest in token-budget
/// chunks → decoding one token per step → finished.
/// </summary>
internal sealed class SequenceJob
{
    private readonly TaskCompletionSource<SequenceJob> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SequenceJob(int[] promptTokens, VerdictDecoder decoder, CancellationToken cancellationToken)
        : this(promptTokens, decoder, cancellationToken, isBackground: false)
    {
    }

    private SequenceJob(int[] promptTokens, VerdictDecoder? decoder, CancellationToken cancellationToken, bool isBackground)
    {
        PromptTokens = promptTokens;
        Decoder = decoder!;
        CancellationToken = cancellationToken;
        IsBackground = isBackground;
        EnqueuedAt = Stopwatch.GetTimestamp();
    }

    public int[] PromptTokens { get; }

    /// <summary>The answer decoder; null for a background job (it only prefills).</summary>
    public VerdictDecoder Decoder { get; }

    /// <summary>
    /// Extends an idle conversation branch ahead of its next turn while the engine has nothing else to do: no
    /// answer, lowest priority, stopped (keeping what it prefilled) when a request needs the engine or the branch.
    /// </summary>
    public bool IsBackground { get; }

    public JobState State { get; set; } = JobState.Queued;

    /// <summary>Whose job this is: queues, sequence shares and step tokens are divided fairly by tenant.</summary>
    public string Tenant { get; init; } = "";

    /// <summary>Owner of the policy-header prefix this job may share ("" for the built-in default policy).</summary>
    public string PrefixOwner { get; init; } = "";

    /// <summary>The other role's branch of the same conversation, which should learn this job's messages.</summary>
    public string? SiblingBranchKey { get; init; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Leading tokens that are the policy header (shareable across requests); 0 if unknown.</summary>
    public int HeaderTokens { get; init; }

    /// <summary>Leading tokens that end with the last message (what a conversation branch keeps); 0 if unknown.</summary>
    public int ConversationTokens { get; init; }

    /// <summary>Conversation branch key (conversation + role word), or null for a one-off check.</summary>
    public string? BranchKey { get; init; }

    public CachedSequence? Branch { get; set; }

    /// <summary>KV cells reserved for this job's own tokens (uncached prompt plus the generation cap).</summary>
    public int ReservedCells { get; set; }

    public int SequenceId { get; set; } = -1;

    /// <summary>
    /// The scheduler's capacity epoch when this job last failed to get its cells: it is not tried again (borrowing and
    /// returning its branch for nothing) until cells or sequences have been freed since.
    /// </summary>
    public long BlockedAtEpoch { get; set; } = -1;

    /// <summary>Holds one of the scheduler's own job sequences (not a cache branch).</summary>
    public bool HoldsJobSequence { get; set; }

    /// <summary>Prompt tokens whose KV came from the cache instead of being prefilled.</summary>
    public int CachedTokens { get; set; }

    /// <summary>How many prompt tokens are already in this sequence's KV.</summary>
    public int PrefillCursor { get; set; }

    /// <summary>Next position to write (prompt tokens then generated tokens).</summary>
    public int NextPosition { get; set; }

    public bool IsPrefilling => PrefillCursor < PromptTokens.Length;

    public int RemainingPrompt => PromptTokens.Length - PrefillCursor;

    /// <summary>The caller has its answer (or error) already; nothing more to do for it.</summary>
    public bool IsFinished => State == JobState.Finished || _completion.Task.IsCompleted;

    public long EnqueuedAt { get; }

    public long AdmittedAt { get; set; }

    public long PrefillDoneAt { get; set; }

    public long CompletedAt { get; set; }

    public Task<SequenceJob> Completion => _completion.Task;

    /// <summary>A job that prefills <paramref name="tokens"/> into an existing branch and produces no answer.</summary>
    public static SequenceJob Background(int[] tokens, string branchKey) =>
        new(tokens, decoder: null, CancellationToken.None, isBackground: true) { BranchKey = branchKey, ConversationTokens = tokens.Length };

    public void Complete()
    {
        State = JobState.Finished;
        CompletedAt = Stopwatch.GetTimestamp();
        _completion.TrySetResult(this);
    }

    public void Fail(Exception error)
    {
        State = JobState.Finished;

        // Nobody awaits a background job: an exception stored there would only surface as an unobserved-task event.
        if (!IsBackground)
        {
            _completion.TrySetException(error);
        }
    }

    /// <summary>Any thread: the caller gave up (client gone, grain call deadline); the scheduler drops the job at its next look.</summary>
    public void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
