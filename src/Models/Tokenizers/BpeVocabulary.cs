namespace GuardCluster.Models.Tokenizers;

/// <summary>
/// A byte-level (gpt2-style) BPE vocabulary as GGUF stores it: token texts in byte-level form, token types and
/// merges ("left right", best first).
/// </summary>
public sealed class BpeVocabulary
{
    private readonly Dictionary<string, int> _ids;

    public BpeVocabulary(IReadOnlyList<string> tokens, IReadOnlyList<LlamaTokenType> tokenTypes, IReadOnlyList<string> merges)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(tokenTypes);
        ArgumentNullException.ThrowIfNull(merges);
        if (tokens.Count != tokenTypes.Count)
        {
            throw new ArgumentException($"{tokens.Count} tokens but {tokenTypes.Count} token types");
        }

        Tokens = tokens;
        TokenTypes = tokenTypes;
        Merges = merges;
        _ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            _ids.TryAdd(tokens[i], i); // first id wins on duplicates, like llama.cpp's text→token map
        }
    }

    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<LlamaTokenType> TokenTypes { get; }

    public IReadOnlyList<string> Merges { get; }

    public int Count => Tokens.Count;

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>Id of a token given in byte-level form (e.g. "Ġkill", "ĊĊ") or as a control token text.</summary>
    public int IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : throw new KeyNotFoundException($"token '{token}' is not in the vocabulary");

    /// <summary>Id of the single token for plain <paramref name="text"/> (" kill" → id of "Ġkill").</summary>
    public int IdOfText(string text) => IdOf(ByteLevel.Encode(text));

    /// <summary>
    /// Pads with <c>&lt;|reserved_special_token_N|&gt;</c> control tokens up to <paramref name="size"/>, keeping every
    /// existing id, so a small vocabulary can stand in for a model shape with a larger vocabulary.
    /// </summary>
    public BpeVocabulary PadTo(int size)
    {
        if (size < Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"vocabulary already has {Count} tokens");
        }

        var tokens = new List<string>(Tokens);
        var types = new List<LlamaTokenType>(TokenTypes);
        var n = 0;
        while (tokens.Count < size)
        {
            var name = $"<|reserved_special_token_{n++}|>";
            if (!_ids.ContainsKey(name))
            {
                tokens.Add(name);
                types.Add(LlamaTokenType.Control);
            }
        }

        return new BpeVocabulary(tokens, types, Merges);
    }
}
