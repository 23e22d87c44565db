namespace GuardCluster.Models.Tokenizers;

/// <summary>
/// Builds a small byte-level BPE vocabulary: the 256 byte tokens (id = byte value), merges generated so that each
/// target word becomes one token, then control tokens.
/// </summary>
public sealed class ByteLevelBpeBuilder
{
    /// <summary>The Llama 3 control tokens the Llama Guard prompt and output use.</summary>
    public static readonly IReadOnlyList<string> Llama3ControlTokens =
    [
        "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
        "<|eom_id|>", "<|eot_id|>", "<|python_tag|>", "<|finetune_right_pad_id|>",
    ];

    private readonly List<string> _words = [];
    private readonly List<string> _controls = [];

    /// <summary>Adds a word (plain text, e.g. " kill" or "\n\n") that must become a single token; it should be one pre-token.</summary>
    public ByteLevelBpeBuilder AddWord(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        _words.Add(text);
        return this;
    }

    public ByteLevelBpeBuilder AddControl(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        _controls.Add(text);
        return this;
    }

    public BpeVocabulary Build()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevel.Encode((byte)b).ToString()).ToList();
        var known = new HashSet<string>(tokens, StringComparer.Ordinal);
        var merges = new List<string>();
        var ranks = new Dictionary<(string, string), int>();
        foreach (var word in _words)
        {
            // Each new merge goes to the lowest priority, so it only fires once nothing else can: words already made
            // single tokens never reach it, and each merge shrinks this word by one symbol, so the loop ends.
            var encoded = ByteLevel.Encode(word);
            for (var symbols = BpeSimulator.Merge(encoded, ranks); symbols.Count > 1; symbols = BpeSimulator.Merge(encoded, ranks))
            {
                var (left, right) = (symbols[0], symbols[1]);
                ranks.Add((left, right), merges.Count);
                merges.Add($"{left} {right}");
                if (known.Add(left + right))
                {
                    tokens.Add(left + right);
                }
            }
        }

        var types = tokens.Select(_ => LlamaTokenType.Normal).ToList();
        foreach (var control in _controls.Where(known.Add))
        {
            tokens.Add(control);
            types.Add(LlamaTokenType.Control);
        }

        return new BpeVocabulary(tokens, types, merges);
    }
}
