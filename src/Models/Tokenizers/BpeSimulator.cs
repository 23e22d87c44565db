namespace GuardCluster.Models.Tokenizers;

/// <summary>
/// C# re-implementation of llama.cpp's byte-level BPE (tokenizer model "gpt2", pre-tokenizer "llama-bpe"), used to
/// design vocabularies and to predict how llama.cpp tokenizes text with them.
/// </summary>
public sealed class BpeSimulator
{
    private readonly BpeVocabulary _vocab;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly bool _ignoreMerges;
    private readonly (string Text, int Id)[] _specials;

    /// <param name="ignoreMerges">llama-bpe looks a whole pre-token up in the vocabulary before merging (llama.cpp's ignore_merges).</param>
    public BpeSimulator(BpeVocabulary vocab, bool ignoreMerges = true)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        _vocab = vocab;
        _ignoreMerges = ignoreMerges;
        _ranks = BuildRanks(vocab.Merges);
        _specials = [.. Enumerable.Range(0, vocab.Count)
            .Where(i => vocab.TokenTypes[i] is LlamaTokenType.Control or LlamaTokenType.UserDefined)
            .Select(i => (vocab.Tokens[i], i))
            .OrderByDescending(s => s.Item1.Length)];
    }

    /// <summary>Tokenizes plain text; with <paramref name="parseSpecial"/> control token texts become their ids.</summary>
    public IReadOnlyList<int> Tokenize(string text, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var start = 0;
        while (start < text.Length)
        {
            var (at, special) = parseSpecial ? FindSpecial(text, start) : (-1, default);
            var end = at < 0 ? text.Length : at;
            foreach (var piece in Llama3PreTokenizer.Split(text[start..end]))
            {
                ids.AddRange(TokenizePreToken(piece));
            }

            if (at < 0)
            {
                break;
            }

            ids.Add(special.Id);
            start = at + special.Text.Length;
        }

        return ids;
    }

    /// <summary>BPE over one pre-token given as plain text (not byte-level).</summary>
    public IReadOnlyList<int> TokenizePreToken(string piece)
    {
        var word = ByteLevel.Encode(piece);
        if (_ignoreMerges && _vocab.TryGetId(word, out var whole))
        {
            return [whole];
        }

        var ids = new List<int>();
        foreach (var symbol in Merge(word, _ranks))
        {
            if (_vocab.TryGetId(symbol, out var id))
            {
                ids.Add(id);
                continue;
            }

            // Like llama.cpp: a symbol missing from the vocabulary falls back to its single characters.
            foreach (var c in symbol)
            {
                if (_vocab.TryGetId(c.ToString(), out var byteId))
                {
                    ids.Add(byteId);
                }
            }
        }

        return ids;
    }

    /// <summary>Rank-ordered merging of one byte-level word: lowest rank first, leftmost on ties (llama.cpp's queue order).</summary>
    internal static List<string> Merge(string byteLevelWord, IReadOnlyDictionary<(string, string), int> ranks)
    {
        var symbols = new List<string>(byteLevelWord.Length);
        // Byte-level text is all BMP characters, so one char is one initial symbol.
        foreach (var c in byteLevelWord)
        {
            symbols.Add(c.ToString());
        }

        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    best = i;
                    bestRank = rank;
                }
            }

            if (best < 0)
            {
                break;
            }

            symbols[best] += symbols[best + 1];
            symbols.RemoveAt(best + 1);
        }

        return symbols;
    }

    internal static Dictionary<(string, string), int> BuildRanks(IReadOnlyList<string> merges)
    {
        var ranks = new Dictionary<(string, string), int>(merges.Count);
        for (var i = 0; i < merges.Count; i++)
        {
            var space = merges[i].IndexOf(' ', 1);
            if (space > 0)
            {
                ranks.TryAdd((merges[i][..space], merges[i][(space + 1)..]), i);
            }
        }

        return ranks;
    }

    private (int At, (string Text, int Id) Special) FindSpecial(string text, int start)
    {
        var bestAt = -1;
        (string, int) best = default;
        foreach (var s in _specials)
        {
            var at = text.IndexOf(s.Text, start, StringComparison.Ordinal);
            if (at >= 0 && (bestAt < 0 || at < bestAt))
            {
                (bestAt, best) = (at, s);
            }
        }

        return (bestAt, best);
    }
}
