using GuardCluster.Engine.Tokenization;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Greedy decoding of one Llama Guard answer with the two probability read-outs: P(unsafe) at the verdict
/// position (right after <c>"\n\n"</c>) and the category-code distribution at the first code position
/// (after <c>unsafe "\n" S</c>). A policy threshold overrides the greedy verdict token there, so a forced
/// <c>unsafe</c> still decodes on to produce categories.
/// <para>
/// With <c>probeSafe</c>, a <c>safe</c> verdict is not the end: the decoder then feeds the forced probe
/// <c>unsafe "\n" S</c> (in one decode call where the step has room) only to read the category-code distribution at
/// its end, so a safe answer also carries P(code | unsafe). The probe is not part of the answer: <see cref="Generated"/>
/// stays <c>"\n\n" safe</c>, and the scheduler's branch bookkeeping keeps only the conversation tokens anyway.
/// </para>
/// </summary>
internal sealed class VerdictDecoder
{
    private readonly VerdictTokens _tokens;
    private readonly Func<int, bool> _isEndOfGeneration;
    private readonly double? _threshold;
    private readonly IReadOnlyList<string> _scoredCodes;
    private readonly int _maxNewTokens;
    private readonly List<int> _generated = new(8);
    private readonly bool _fastVerdict;
    private readonly int[]? _probeScript;
    private int _probeCursor = -1; // index into _probeScript of the token to feed next; -1 while not probing

    public VerdictDecoder(
        VerdictTokens tokens,
        Func<int, bool> isEndOfGeneration,
        double? threshold,
        IReadOnlyList<string> scoredCodes,
        int maxNewTokens,
        bool fastVerdict = false,
        bool probeSafe = false)
    {
        _fastVerdict = fastVerdict && tokens.DoubleNewline is not null;
        if (_fastVerdict)
        {
            // The prompt already ends with the "\n\n" the model always writes first: the next logits are the verdict's.
            _generated.Add(tokens.DoubleNewline!.Value);
        }

        _tokens = tokens;
        _isEndOfGeneration = isEndOfGeneration;
        _threshold = threshold;
        _scoredCodes = scoredCodes;
        _maxNewTokens = maxNewTokens;
        if (probeSafe && scoredCodes.Count > 0 && tokens is { Unsafe: int u, Newline: int n, CategoryPrefix: int s, Safe: not null })
        {
            _probeScript = [u, n, s];
        }
    }

    private bool Probing => _probeCursor >= 0;

    public IReadOnlyList<int> Generated => _generated;

    public double? UnsafeProbability { get; private set; }

    public IReadOnlyDictionary<string, double>? CategoryScores { get; private set; }

    /// <summary>True when the threshold chose a different verdict token than greedy decoding would have.</summary>
    public bool ThresholdOverrode { get; private set; }

    /// <summary>True when generation stopped at the token cap instead of an end-of-turn token.</summary>
    public bool Truncated { get; private set; }

    public bool IsFinished { get; private set; }

    /// <summary>Answer tokens that were fed as part of the prompt instead of decoded (the fast path's "\n\n").</summary>
    public int PrefilledAnswerTokens => _fastVerdict ? 1 : 0;

    /// <summary>The token the sequence must feed next (the last one chosen, or the probe's next forced token).</summary>
    public int LastToken => Probing ? _probeScript![_probeCursor] : _generated[^1];

    /// <summary>Tokens fed only to read the category distribution of a safe answer (0 or 3).</summary>
    public int ProbeTokens => Probing ? _probeScript!.Length : 0;

    /// <summary>
    /// Tokens the answer grammar puts right after <see cref="LastToken"/> (after <c>unsafe</c>: <c>"\n" S</c>; after
    /// <c>,</c>: <c>S</c>), fed in the same decode call as a draft. Each is kept only if greedy decoding picks it at
    /// its position, so the answer is exactly greedy's; a model that follows the grammar saves a decode call per token.
    /// Empty without the fast path (plain greedy decoding).
    /// </summary>
    public IReadOnlyList<int> Draft()
    {
        if (Probing && !IsFinished)
        {
            // The rest of the forced probe after the token fed now: kept by the scheduler because Step follows the script.
            return _probeScript![(_probeCursor + 1)..];
        }

        if (!_fastVerdict || IsFinished || _tokens.CategoryPrefix is not int prefix)
        {
            return [];
        }

        var room = _maxNewTokens - _generated.Count - 1;
        if (LastToken == _tokens.Unsafe && _tokens.Newline is int newline && room >= 2)
        {
            return [newline, prefix];
        }

        return LastToken == _tokens.Comma && room >= 1 ? [prefix] : [];
    }

    /// <summary>Consumes the logits for the next position; returns true when the answer is complete.</summary>
    public bool Step(ReadOnlySpan<float> logits)
    {
        if (Probing)
        {
            return StepProbe(logits);
        }

        var next = ArgMax(logits);
        if (UnsafeProbability is null && AtVerdictPosition() && _tokens.Unsafe is int unsafeId)
        {
            UnsafeProbability = Softmax.Probability(logits, unsafeId);
            if (_threshold is double threshold && _tokens.Safe is int safeId)
            {
                var decided = UnsafeProbability >= threshold ? unsafeId : safeId;
                ThresholdOverrode = decided != next;
                next = decided;
            }
        }
        else if (CategoryScores is null && _scoredCodes.Count > 0 && AtFirstCodePosition())
        {
            CategoryScores = ScoreCategories(logits);
        }

        _generated.Add(next);
        if (_probeScript is not null && next == _tokens.Safe && _generated.Count == 2 && _generated[0] == _tokens.DoubleNewline
            && _generated.Count + _probeScript.Length <= _maxNewTokens)
        {
            // The answer is complete ("\n\n" safe); the probe only measures what the categories would have been.
            _probeCursor = 0;
        }
        else if (_isEndOfGeneration(next) || (_fastVerdict && _generated.Count == 2 && next == _tokens.Safe))
        {
            IsFinished = true;
        }
        else if (_generated.Count >= _maxNewTokens)
        {
            IsFinished = true;
            Truncated = true;
        }

        return IsFinished;
    }

    /// <summary>Logits after the probe token just fed: follow the script; after its last token they are the code distribution.</summary>
    private bool StepProbe(ReadOnlySpan<float> logits)
    {
        if (_probeCursor == _probeScript!.Length - 1)
        {
            CategoryScores = ScoreCategories(logits);
            IsFinished = true;
            return true;
        }

        _probeCursor++;
        return false;
    }

    private bool AtVerdictPosition() =>
        _generated.Count == 1 && _generated[0] == _tokens.DoubleNewline;

    private bool AtFirstCodePosition() =>
        _generated.Count == 4
        && _generated[1] == _tokens.Unsafe
        && _generated[2] == _tokens.Newline
        && _generated[3] == _tokens.CategoryPrefix;

    private Dictionary<string, double>? ScoreCategories(ReadOnlySpan<float> logits)
    {
        var max = Softmax.Max(logits);
        var weights = new Dictionary<string, double>(_scoredCodes.Count, StringComparer.Ordinal);
        double total = 0;
        foreach (var code in _scoredCodes)
        {
            if (_tokens.NumberToken(code) is not int id)
            {
                continue;
            }

            var w = Math.Exp(logits[id] - max);
            weights[code] = w;
            total += w;
        }

        if (total <= 0 || weights.Count == 0)
        {
            return null;
        }

        foreach (var code in weights.Keys.ToArray())
        {
            weights[code] /= total;
        }

        return weights;
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        var bestValue = float.NegativeInfinity;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] > bestValue)
            {
                bestValue = logits[i];
                best = i;
            }
        }

        return best;
    }
}
