using System.Diagnostics;
using GuardCluster.Engine.Tokenization;
using LLama;
using LLama.Native;

namespace GuardCluster.Bench.Baselines;

/// <summary>
/// One llama.cpp context on sequence 0: prefill a prompt from a given position, then greedy-decode one token per
/// decode call until an end-of-generation token or the cap — what the model card's <c>generate(max_new_tokens=20)</c> does.
/// </summary>
public sealed class GreedyRunner : IDisposable
{
    private static readonly LLamaSeqId Sequence = (LLamaSeqId)0;
    private readonly LLamaWeights _weights;
    private readonly BaselineSettings _settings;
    private readonly LLamaBatch _batch = new();

    public GreedyRunner(LLamaWeights weights, BaselineSettings settings)
    {
        _weights = weights;
        _settings = settings;
        Context = weights.CreateContext(settings.ContextParams());
        Tokenizer = new GuardTokenizer(weights);
    }

    public LLamaContext Context { get; }

    /// <summary>The engine's own safe tokenization (special parsing only for template tokens), for identical prompts.</summary>
    public GuardTokenizer Tokenizer { get; }

    public void Dispose() => Context.Dispose();

    /// <summary>
    /// Feeds <paramref name="tokens"/>[<paramref name="from"/>..] at their positions and decodes the answer; returns its
    /// text (without the end token), the tokens generated (with it, as the engine counts them) and the time from the
    /// first prompt token to the first answer token (prefill plus one greedy pick).
    /// </summary>
    public (string Text, int Generated, double PrefillMs) Run(int[] tokens, int from)
    {
        var handle = Context.NativeHandle;
        var started = Stopwatch.GetTimestamp();
        var prefillMs = 0.0;
        var logitsIndex = 0;
        for (var start = from; start < tokens.Length; start += _settings.BatchSize)
        {
            _batch.Clear();
            var end = Math.Min(tokens.Length, start + _settings.BatchSize);
            for (var i = start; i < end; i++)
            {
                logitsIndex = _batch.Add((LLamaToken)tokens[i], i, Sequence, i == tokens.Length - 1);
            }

            Decode(handle);
        }

        var pieces = new List<string>(8);
        var position = tokens.Length;
        for (var n = 0; n < _settings.MaxNewTokens; n++)
        {
            var next = ArgMax(handle.GetLogitsIth(logitsIndex));
            if (n == 0)
            {
                prefillMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            if (next.IsEndOfGeneration(_weights.Vocab))
            {
                return (string.Concat(pieces), n + 1, prefillMs);
            }

            pieces.Add(Tokenizer.Piece((int)next));
            if (n + 1 == _settings.MaxNewTokens)
            {
                break;
            }

            _batch.Clear();
            logitsIndex = _batch.Add(next, position++, Sequence, true);
            Decode(handle);
        }

        return (string.Concat(pieces), pieces.Count, prefillMs);
    }

    private void Decode(SafeLLamaContextHandle handle)
    {
        var result = handle.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"baseline decode failed: {result}");
        }
    }

    private static LLamaToken ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return (LLamaToken)best;
    }
}
