using System.Diagnostics;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
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
public sealed class LlamaGuardEngine : IGuardEngine
{
    private readonly EngineOptions _options;
    private readonly SharedWeights _weights;
    private readonly LLamaContext _context;
    private readonly InferenceScheduler _scheduler;
    private readonly GuardTokenizer _tokenizer;
    private readonly VerdictTokens _verdictTokens;
    private int _disposed;

    private LlamaGuardEngine(EngineOptions options, SharedWeights weights, LLamaContext context, ILogger logger)
    {
        _options = options;
        _weights = weights;
        _context = context;
        _tokenizer = new GuardTokenizer(weights.Weights);
        var vocab = weights.Weights.Vocab;
        var endOfTurn = vocab.EOT ?? vocab.EOS ?? throw new InvalidOperationException("The model defines no end-of-turn token.");
        _verdictTokens = new VerdictTokens(_tokenizer, (int)endOfTurn);
        _scheduler = new InferenceScheduler(context, options, logger);
    }

    public string ModelName => _options.EffectiveModelName;

    public EngineOptions Options => _options;

    /// <summary>Hits, misses, spills and drops of the KV cache.</summary>
    public KvCacheStatistics CacheStatistics => _scheduler.CacheStatistics;

    /// <summary>Decode calls and tokens submitted so far (for batching statistics).</summary>
    public (long DecodeCalls, long Tokens) Counters => _scheduler.Counters;

    /// <summary>Sequences summed over all decode calls: ÷ decode calls = how many sequences each call batched.</summary>
    public long SequencesDecoded => _scheduler.SequencesDecoded;

    public static Task<LlamaGuardEngine> LoadAsync(
        EngineOptions options,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(options, loggerFactory), cancellationToken);

    public static LlamaGuardEngine Load(EngineOptions options, ILoggerFactory? loggerFactory = null)
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
            var contextParams = new ModelParams(options.ModelPath)
            {
                ContextSize = (uint)options.ContextSize,
                // llama.cpp sizes its output buffer by the sequence count and asserts it fits in n_batch; the
                // scheduler's own token budget per step stays options.BatchSize.
                BatchSize = (uint)Math.Max(options.BatchSize, options.TotalSequences),
                UBatchSize = (uint)Math.Min(options.UBatchSize, options.BatchSize),
                SeqMax = (uint)options.TotalSequences,
                Threads = options.EffectiveThreads,
                BatchThreads = options.EffectiveThreads,
                FlashAttention = options.FlashAttention,
                GpuLayerCount = options.GpuLayers,
            };
            var logger = loggerFactory.CreateLogger<LlamaGuardEngine>();
            var context = weights.Weights.CreateContext(contextParams, logger);
            return new LlamaGuardEngine(options, weights, context, logger);
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
        var policy = request.Policy;
        var prompt = LlamaGuardPrompt.Render(request.Conversation, policy);
        var session = _options.SessionCache ? request.SessionKey : null;
        var tokenized = _tokenizer.TokenizeWithLayout(prompt, header: _options.PrefixCache, conversation: session is not null);
        var fast = _options.FastVerdict && _verdictTokens.DoubleNewline is not null;
        var tokens = fast ? [.. tokenized.Tokens, _verdictTokens.DoubleNewline!.Value] : tokenized.Tokens;
        var reserved = tokens.Length + _options.MaxNewTokens;
        if (reserved > _options.ContextSize)
        {
            throw new GuardValidationException(
                "prompt_too_long",
                $"The prompt is {tokens.Length} tokens; with up to {_options.MaxNewTokens} answer tokens it exceeds the engine's context of {_options.ContextSize} tokens.",
                "messages",
                isLimit: true);
        }

        var scoredCodes = request.IncludeCategoryScores
            ? policy.ActiveCategories.Select(c => c.Code).ToArray()
            : [];
        var decoder = new VerdictDecoder(_verdictTokens, IsEndOfGeneration, policy.Threshold, scoredCodes, _options.MaxNewTokens, fast);
        var job = new SequenceJob(tokens, decoder, cancellationToken)
        {
            HeaderTokens = tokenized.HeaderTokens,
            ConversationTokens = tokenized.ConversationTokens,
            BranchKey = session is null ? null : $"{session}|{prompt.CheckedRole}",
            SiblingBranchKey = session is null ? null : $"{session}|{(prompt.CheckedRole == ChatRole.User ? ChatRole.Assistant : ChatRole.User)}",
        };
        await _scheduler.SubmitAsync(job).WaitAsync(cancellationToken).ConfigureAwait(false);
        return BuildVerdict(policy, prompt, job);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _scheduler.Dispose();
            _context.Dispose();
            _weights.Release();
        }

        return ValueTask.CompletedTask;
    }

    private bool IsEndOfGeneration(int token) =>
        token == _verdictTokens.EndOfTurn || ((LLamaToken)token).IsEndOfGeneration(_weights.Weights.Vocab);

    private GuardVerdict BuildVerdict(SafetyPolicy policy, RenderedPrompt prompt, SequenceJob job)
    {
        var decoder = job.Decoder;
        var answer = decoder.Generated;
        var shown = answer.Count > 0 && IsEndOfGeneration(answer[^1]) ? answer.Take(answer.Count - 1) : answer;
        var raw = string.Concat(shown.Select(_tokenizer.Piece));
        var parsed = VerdictParser.Parse(raw, policy);

        var warnings = new List<string>(prompt.Warnings);
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
            || o.CacheCells < 0 || o.SpillBudgetBytes < 0)
        {
            throw new ArgumentException(
                "Invalid engine options: context ≥ 256, batch/ubatch/background chunk ≥ 1, sequences ≥ 1 and sequences + cached sequences ≤ 256, "
                + "queue ≥ 1, max new tokens ≥ 2, threads, GPU layers, cache cells and spill budget ≥ 0.",
                nameof(o));
        }
    }
}
