using System.Text.RegularExpressions;

namespace GuardCluster.Models.Tokenizers;

/// <summary>The Llama 3 pre-tokenizer (llama.cpp "llama-bpe"): splits text into the pieces BPE runs on.</summary>
public static partial class Llama3PreTokenizer
{
    // Verbatim from the Llama 3 tokenizer.json: contractions, words with one optional leading non-letter,
    // digit groups of at most 3, punctuation runs, newlines, whitespace.
    public const string Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Regex().Matches(text).Select(m => m.Value)];
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Regex();
}
