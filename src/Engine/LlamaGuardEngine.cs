using System.Diagnostics;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Telemetry;
using GuardCluster.Core.Verdicts;
using GuardCluster.Engine.Native;
using GuardCluster.Engine.Scheduling;
using GuardCluster.Engine.Tokenization;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GuardCluster.Engine;

/// <summary>
/// Llama Guard 3 on llama.cpp: renders the prompt, tokenizes it safely, and runs it through the batching
/// scheduler that owns this engine's context. Weights are shared per model file per process.
/// </summary>
public sealed partial class LlamaGuardEngine : IGuardEngine
{
    // Whole user/assistant pairs dropped at a time when a conversation outgrows the context: the window's start then
    // stays put for several turns, so its KV branch keeps being reused instead of being re-prefilled every turn.
    private const int WindowStridePairs = 4;

    private readonly EngineOptions _options;
    private readonly SharedWeights _weights;
    private readonly ILogger _logger;
    private readonly GuardTokenizer _tokenizer;
    private readonly VerdictTokens _verdictTokens;
    private readonly int _maxPieceBytes;
    private readonly GuardMetrics? _metrics;
    private readonly IDisposable? _observation;
    private readonly Lock _restartGate = new();
    private volatile Runtime _runtime;
    private volatile EngineHealth _health = EngineHealth.Ready;
    private int _disposed;

    private LlamaGuardEngine(EngineOptions options, SharedWeights weights, ILogger logger, GuardMetrics? metrics)
    {
        _options = options;
        _metrics = metrics;
        _weights = weights;
        _logger = logger;
        _tokenizer = new GuardTokenizer(weights.Weights);
        var vocab = weights.Weights.Vocab;
        var endOfTurn = vocab.EOT ?? vocab.EOS ?? throw new InvalidOperationException("The model defines no end-of-turn token.");
        _verdictTokens = new VerdictTokens(_tokenizer, (int)endOfTurn);
        _maxPieceBytes = _tokenizer.MaxPieceBytes();
        _runtime = CreateRuntime();
        _observation = metrics?.ObserveEngine(ReadGauges);
    }

    public string ModelName => _options.EffectiveModelName;

    public EngineOptions Options => _options;

    /// <summary>Hits, misses, spills and drops of the KV cache (since the last restart).</summary>
    public KvCacheStatistics CacheStatistics => _runtime.Scheduler.CacheStatistics;

    /// <summary>Decode calls and tokens submitted so far (for batching statistics).</summary>
    public (long DecodeCalls, long Tokens) Counters => _runtime.Scheduler.Counters;

    /// <summary>Sequences summed over all decode calls: ÷ decode calls = how many sequences each call batched.</summary>
    public long SequencesDecoded => _runtime.Scheduler.SequencesDecoded;

    /// <summary>Requests waiting for a sequence now.</summary>
    public int QueueDepth => _runtime.Scheduler.QueueDepth;

    public EngineHealth Health => _health;

    /// <summary>Test hook: the running scheduler (fault injection, cache invariants).</summary>
    internal InferenceScheduler Scheduler => _runtime.Scheduler;

    public static Task<LlamaGuardEngine> LoadAsync(
        EngineOptions options,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default) =>
        LoadAsync(options, loggerFactory, metrics: null, cancellationToken);

    /// <summary>Loads the engine and reports its checks, decode calls and live state to <paramref name="metrics"/>.</summary>
    public static Task<LlamaGuardEngine> LoadAsync(
        EngineOptions options,
        ILoggerFactory? loggerFactory,
        GuardMetrics? metrics,
        CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(options, loggerFactory, metrics), cancellationToken);

    public static LlamaGuardEngine Load(EngineOptions options, ILoggerFactory? loggerFactory = null, GuardMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        if (!File.Exists(options.ModelPath))
        {
            throw new FileNotFoundException($"Model file not found: {options.ModelPath}", options.ModelPath);
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        NativeBackend.EnsureConfigured(loggerFactory);
        var weights = SharedWeights.Acquire(options);
        try
        {
            return new LlamaGuardEngine(options, weights, loggerFactory.CreateLogger<LlamaGuardEngine>(), metrics);
        }
        catch
        {
            weights.Release();
            throw;
        }
    }

    public IReadOnlyList<PromptToken> Tokenize(RenderedPrompt prompt) =>
        _tokenizer.Describe(_tokenizer.Tokenize(prompt));

    public async Task<GuardVerdict> ClassifyAsync(GuardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var runtime = _runtime;
        if (!_health.IsReady)
        {
            throw new EngineUnavailableException($"The inference engine is {_health.Status}; retry shortly.");
        }

        // The check's span covers rendering, tokenizing, the queue and the scheduler's work (its phases are child spans).
        using var activity = GuardTracing.Source.StartActivity("guard.engine.check");
        activity?.SetTag("guard.tenant", request.TenantId?.Split('~')[0]); // a conversation's scope is "tenant~incarnation"
        activity?.SetTag("guard.conversation", request.SessionKey is not null);
        var policy = request.Policy;
        var session = _options.SessionCache ? request.SessionKey : null;
        var fast = _options.FastVerdict && _verdictTokens.DoubleNewline is not null;
        var (prompt, tokenized, dropped) = Prepare(request, session is not null, fast ? 1 : 0);
        var tokens = fast ? [.. tokenized.Tokens, _verdictTokens.DoubleNewline!.Value] : tokenized.Tokens;

        var scoredCodes = request.IncludeCategoryScores
            ? policy.ActiveCategories.Select(c => c.Code).ToArray()
            : [];
        var decoder = new VerdictDecoder(_verdictTokens, IsEndOfGeneration, policy.Threshold, scoredCodes, _options.MaxNewTokens, fast, request.ScoreSafeVerdicts);
        var tenant = request.TenantId ?? "";
        var job = new SequenceJob(tokens, decoder, cancellationToken)
        {
            Tenant = tenant,

            // A custom policy's header KV is never shared across tenants: cached_tokens would tell one tenant what another uses.
            PrefixOwner = IsDefaultPolicy(policy) ? "" : tenant,
            HeaderTokens = tokenized.HeaderTokens,
            ConversationTokens = tokenized.ConversationTokens,
            BranchKey = session is null ? null : BranchKey(session, prompt.CheckedRole),
            SiblingBranchKey = session is null ? null : BranchKey(session, prompt.CheckedRole == ChatRole.User ? ChatRole.Assistant : ChatRole.User),
        };
        try
        {
            await runtime.Scheduler.SubmitAsync(job).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            throw;
        }

        var verdict = BuildVerdict(policy, prompt, job, dropped);
        _metrics?.CheckCompleted(tenant, verdict);
        if (activity is not null)
        {
            Trace(activity, job, verdict);
        }

        return verdict;
    }

    /// <summary>Token counts on the check's span, and its queue wait, prefill and decode as child spans with their real times.</summary>
    private static void Trace(Activity activity, SequenceJob job, GuardVerdict verdict)
    {
        activity.SetTag("guard.verdict", verdict.Outcome.ToString().ToLowerInvariant());
        activity.SetTag("guard.prompt_tokens", verdict.Usage.PromptTokens);
        activity.SetTag("guard.cached_tokens", verdict.Usage.CachedTokens);
        activity.SetTag("guard.completion_tokens", verdict.Usage.CompletionTokens);
        Phase("guard.engine.queue", job.EnqueuedAt, job.AdmittedAt, null, 0);
        Phase("guard.engine.prefill", job.AdmittedAt, job.PrefillDoneAt, "guard.prefilled_tokens", verdict.Usage.PromptTokens - verdict.Usage.CachedTokens);
        Phase("guard.engine.decode", job.PrefillDoneAt, job.CompletedAt, "guard.completion_tokens", verdict.Usage.CompletionTokens);

        void Phase(string name, long from, long to, string? tag, int tokens)
        {
            if (from == 0 || to < from)
            {
                return;
            }

            var now = DateTimeOffset.UtcNow;
            using var phase = GuardTracing.Source.StartActivity(name, ActivityKind.Internal, activity.Context, startTime: now - Stopwatch.GetElapsedTime(from));
            if (phase is not null)
            {
                if (tag is not null)
                {
                    phase.SetTag(tag, tokens);
                }

                phase.SetEndTime((now - Stopwatch.GetElapsedTime(to)).UtcDateTime);
            }
        }
    }

    private EngineGauges ReadGauges()
    {
        var scheduler = _runtime.Scheduler;
        var cache = scheduler.CacheStatistics;
        return new EngineGauges(
            scheduler.QueueDepth,
            cache.PrefixHits,
            cache.PrefixMisses,
            cache.BranchHits,
            cache.BranchMisses,
            cache.MemorySpilledBytes,
            cache.DiskSpilledBytes);
    }

    /// <summary>
    /// Forgets the cached KV of every conversation whose session key is <paramref name="sessionKey"/> or starts with it
    /// followed by <c>/</c> (a whole tenant): resident branches, host-memory and disk copies alike.
    /// </summary>
    public async Task ForgetSessionsAsync(string sessionKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionKey);
        var scheduler = _runtime.Scheduler;
        await scheduler.ForgetAsync(sessionKey + "|").ConfigureAwait(false);
        await scheduler.ForgetAsync(sessionKey + "/").ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _observation?.Dispose();
            lock (_restartGate)
            {
                _runtime.Dispose();
            }

            _weights.Release();
        }

        return ValueTask.CompletedTask;
    }

    private static string BranchKey(string session, ChatRole role) => $"{session}|{role}";

    private static bool IsDefaultPolicy(SafetyPolicy policy) =>
        policy.ActiveCategories.SequenceEqual(SafetyPolicy.Default.ActiveCategories);

    /// <summary>
    /// Renders and tokenizes the request, refusing at once what can never fit (a cheap size bound first, before any
    /// tokenization). With <see cref="GuardRequest.AllowHistoryWindow"/> a conversation too long for the context
    /// keeps its newest turns instead: whole user/assistant pairs are dropped from the start (so the checked role
    /// stays), a multiple of <see cref="WindowStridePairs"/> at a time.
    /// </summary>
    private (RenderedPrompt Prompt, TokenizedPrompt Tokens, int DroppedMessages) Prepare(GuardRequest request, bool conversationLayout, int extraTokens)
    {
        var messages = request.Conversation.Messages;
        var maxTokens = _options.MaxPromptTokens - extraTokens;
        var pairs = (messages.Count - 1) / 2;
        var bytes = new long[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            bytes[i] = messages[i].TextParts.Sum(p => (long)System.Text.Encoding.UTF8.GetByteCount(p));
        }

        // Every token is at most _maxPieceBytes bytes of text, so this many tokens at least: refuse without tokenizing.
        long MinTokens(int fromMessage) => (bytes.AsSpan(fromMessage).ToArray().Sum() + _maxPieceBytes - 1) / _maxPieceBytes;

        var drop = 0;
        if (request.AllowHistoryWindow)
        {
            while (drop < pairs && MinTokens(2 * drop) > maxTokens)
            {
                drop = Math.Min(pairs, drop + WindowStridePairs);
            }
        }

        while (true)
        {
            if (MinTokens(2 * drop) > maxTokens && (!request.AllowHistoryWindow || drop >= pairs))
            {
                throw TooLong($"at least {MinTokens(2 * drop)}");
            }

            var conversation = drop == 0 ? request.Conversation : new Conversation([.. messages.Skip(2 * drop)]);
            var prompt = LlamaGuardPrompt.Render(conversation, request.Policy);
            var tokenized = _tokenizer.TokenizeWithLayout(prompt, header: _options.PrefixCache, conversation: conversationLayout);
            if (tokenized.Tokens.Length <= maxTokens)
            {
                return (prompt, tokenized, 2 * drop);
            }

            if (!request.AllowHistoryWindow || drop >= pairs)
            {
                throw TooLong(tokenized.Tokens.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            drop = Math.Min(pairs, (drop / WindowStridePairs + 1) * WindowStridePairs);
        }

        GuardValidationException TooLong(string tokens) => new(
            GuardErrorCodes.PromptTooLong,
            $"The prompt is {tokens} tokens; at most {maxTokens} fit in the engine's context of {_options.ContextSize} tokens with {_options.MaxNewTokens} answer tokens.",
            "messages",
            isLimit: true);
    }

    private Runtime CreateRuntime()
    {
        var contextParams = new ModelParams(_options.ModelPath)
        {
            ContextSize = (uint)_options.ContextSize,
            // llama.cpp sizes its output buffer by the sequence count and asserts it fits in n_batch; the
            // scheduler's own token budget per step stays options.BatchSize.
            BatchSize = (uint)Math.Max(_options.BatchSize, _options.TotalSequences),
            UBatchSize = (uint)Math.Min(_options.UBatchSize, _options.BatchSize),
            SeqMax = (uint)_options.TotalSequences,
            Threads = _options.EffectiveThreads,
            BatchThreads = _options.EffectiveThreads,
            FlashAttention = _options.FlashAttention,
            GpuLayerCount = _options.GpuLayers,
        };
        var context = _weights.Weights.CreateContext(contextParams, _logger);
        KvSpillFolder? spill = null;
        try
        {
            spill = _options.SpillPath is { } path && _options.SpillToHost ? KvSpillFolder.Open(path, Fingerprint()) : null;
            var scheduler = new InferenceScheduler(context, _options, _logger, spill, OnSchedulerCrashed, _metrics);
            return new Runtime(context, scheduler, spill);
        }
        catch
        {
            spill?.Dispose();
            context.Dispose();
            throw;
        }
    }

    /// <summary>What spilled KV depends on: a file written under another model or context layout is never read back.</summary>
    private string Fingerprint()
    {
        var model = new FileInfo(_options.ModelPath);
        return string.Join('|', model.FullName, model.Length, model.LastWriteTimeUtc.Ticks, _options.ContextSize, _options.FlashAttention, _options.GpuLayers, _options.TotalSequences);
    }

    /// <summary>
    /// The scheduler thread died (a bug or a native fault): its callers already got 503. Rebuild the context and the
    /// scheduler (the cache starts empty); after three failed attempts the engine stays failed and readiness says so.
    /// </summary>
    private void OnSchedulerCrashed(Exception error)
    {
        _health = new EngineHealth(false, "restarting", _health.Restarts);
        _ = Task.Run(async () =>
        {
            for (var attempt = 1; attempt <= 3 && _disposed == 0; attempt++)
            {
                try
                {
                    lock (_restartGate)
                    {
                        if (_disposed != 0)
                        {
                            return;
                        }

                        _runtime.Dispose();
                        _runtime = CreateRuntime();
                    }

                    _health = new EngineHealth(true, "ready", _health.Restarts + 1);
                    LogRestarted(_health.Restarts, error.GetType().Name);
                    return;
                }
                catch (Exception ex)
                {
                    LogRestartFailed(ex, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(attempt)).ConfigureAwait(false);
                }
            }

            _health = new EngineHealth(false, "failed", _health.Restarts);
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference engine restarted (restart {Restarts}) after a scheduler failure ({Error})")]
    private partial void LogRestarted(int restarts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Inference engine restart attempt {Attempt} failed")]
    private partial void LogRestartFailed(Exception ex, int attempt);

    /// <summary>One llama.cpp context with the scheduler that owns it and its spill folder; replaced whole on restart.</summary>
    private sealed class Runtime(LLamaContext context, InferenceScheduler scheduler, KvSpillFolder? spill) : IDisposable
    {
        public InferenceScheduler Scheduler { get; } = scheduler;

        public void Dispose()
        {
            Scheduler.Dispose();
            context.Dispose();
            spill?.Dispose();
        }
    }

    private bool IsEndOfGeneration(int token) =>
        token == _verdictTokens.EndOfTurn || ((LLamaToken)token).IsEndOfGeneration(_weights.Weights.Vocab);

    private GuardVerdict BuildVerdict(SafetyPolicy policy, RenderedPrompt prompt, SequenceJob job, int droppedMessages)
    {
        var decoder = job.Decoder;
        var answer = decoder.Generated;
        var shown = answer.Count > 0 && IsEndOfGeneration(answer[^1]) ? answer.Take(answer.Count - 1) : answer;
        var raw = string.Concat(shown.Select(_tokenizer.Piece));
        var parsed = VerdictParser.Parse(raw, policy);

        var warnings = new List<string>(prompt.Warnings);
        if (droppedMessages > 0)
        {
            warnings.Add(PromptWarnings.HistoryTruncated);
        }
        if (parsed.Outcome == VerdictOutcome.Indeterminate)
        {
            warnings.Add(ParsedVerdict.IndeterminateWarning);
        }

        if (parsed.UnknownCodes.Count > 0)
        {
            warnings.Add("unknown_category_code");
        }

        if (decoder.ThresholdOverrode)
        {
            warnings.Add("threshold_override");
        }

        if (decoder.Truncated)
        {
            warnings.Add("output_truncated");
        }

        var categories = parsed.CategoryRefs(policy);
        var timings = new VerdictTimings(
            Milliseconds(job.EnqueuedAt, job.AdmittedAt),
            Milliseconds(job.AdmittedAt, job.PrefillDoneAt),
            Milliseconds(job.PrefillDoneAt, job.CompletedAt));
        return new GuardVerdict(
            parsed.Outcome,
            categories,
            decoder.UnsafeProbability,
            decoder.CategoryScores,
            warnings,
            raw,
            new TokenUsage(job.PromptTokens.Length - decoder.PrefilledAnswerTokens, job.CachedTokens, answer.Count),
            timings,
            ModelName);
    }

    private static double Milliseconds(long from, long to) =>
        to <= from ? 0 : Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static void ValidateOptions(EngineOptions o)
    {
        // llama.cpp aborts the whole process on some bad parameters (GGML_ASSERT), so check them here first.
        if (o.ContextSize < 256 || o.BatchSize < 1 || o.UBatchSize < 1 || o.MaxSequences < 1 || o.MaxCachedSequences < 0 || o.BackgroundChunkTokens < 1
            || o.TotalSequences > 256 || o.QueueCapacity < 1 || o.MaxNewTokens < 2 || o.Threads < 0 || o.GpuLayers < 0
            || o.CacheCells < 0 || o.SpillBudgetBytes < 0 || o.SpillDiskBudgetBytes < 0 || o.QueueCapacityPerTenant < 0
            || o.MaxSequencesPerTenant < 0 || o.SharedStepTokens < 1 || o.MaxPromptTokens < 1)
        {
            throw new ArgumentException(
                "Invalid engine options: context ≥ 256, batch/ubatch/background chunk ≥ 1, sequences ≥ 1 and sequences + cached sequences ≤ 256, "
                + "queue ≥ 1, max new tokens ≥ 2 (and below the context), shared step tokens ≥ 1, threads, GPU layers, cache cells, spill budgets and per-tenant shares ≥ 0.",
                nameof(o));
        }
    }
}
