namespace GuardCluster.Engine.Tokenization;

/// <summary>
/// Token ids of the answer grammar (<c>"\n\n" safe|unsafe "\n" S &lt;number&gt; ("," S &lt;number&gt;)* eot</c>),
/// resolved from the loaded vocabulary rather than hard-coded, so the same code serves the real Llama 3 vocab
/// and the generated demo vocab. A word that is not a single token resolves to null and disables the
/// feature that needs it (probabilities), never the classification itself.
/// </summary>
public sealed class VerdictTokens
{
    private readonly GuardTokenizer _tokenizer;
    private readonly Dictionary<string, int?> _numberTokens = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public VerdictTokens(GuardTokenizer tokenizer, int endOfTurn)
    {
        _tokenizer = tokenizer;
        DoubleNewline = Single("\n\n");
        Safe = Single("safe");
        Unsafe = Single("unsafe");
        Newline = Single("\n");
        CategoryPrefix = Single("S");
        Comma = Single(",");
        EndOfTurn = endOfTurn;
    }

    public int? DoubleNewline { get; }

    public int? Safe { get; }

    public int? Unsafe { get; }

    public int? Newline { get; }

    public int? CategoryPrefix { get; }

    public int? Comma { get; }

    public int EndOfTurn { get; }

    /// <summary>The first token of a category code's number (e.g. "10" for S10); Llama 3 keeps 1–3 digits in one token.</summary>
    public int? NumberToken(string code)
    {
        var digits = code.Length > 1 ? code[1..] : code;
        lock (_gate)
        {
            if (!_numberTokens.TryGetValue(digits, out var id))
            {
                var tokens = _tokenizer.TokenizePlain(digits);
                id = tokens.Length == 1 ? tokens[0] : null;
                _numberTokens[digits] = id;
            }

            return id;
        }
    }

    private int? Single(string text)
    {
        var tokens = _tokenizer.TokenizePlain(text);
        return tokens.Length == 1 ? tokens[0] : null;
    }
}
