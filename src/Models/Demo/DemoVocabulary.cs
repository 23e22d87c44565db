using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models.Demo;

/// <summary>The demo model's byte-level vocabulary: bytes, the verdict/code words, the danger words, Llama 3 controls.</summary>
internal static class DemoVocabulary
{
    /// <summary>Category code → danger words (lowercase base forms).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DangerWords = new Dictionary<string, IReadOnlyList<string>>
    {
        ["S1"] = ["kill", "killing", "murder", "bomb", "bombs"],
        ["S10"] = ["hate", "racist"],
        ["S11"] = ["suicide"],
    };

    /// <summary>Codes in accumulator order (residual dims 10–12 and 13–15) and their number tokens.</summary>
    public static readonly IReadOnlyList<(string Code, string Number)> Categories = [("S1", "1"), ("S10", "10"), ("S11", "11")];

    public static readonly BpeVocabulary Vocabulary = Build();

    /// <summary>
    /// Every spelling of a danger word that is a single token: bare, with a leading space, capitalised. "Hate" is
    /// left out because every default prompt lists "S10: Hate." and " Hate" is one pre-token there.
    /// </summary>
    public static IEnumerable<(string Text, int Category)> DangerTokenTexts()
    {
        for (var c = 0; c < Categories.Count; c++)
        {
            foreach (var word in DangerWords[Categories[c].Code])
            {
                var capitalised = char.ToUpperInvariant(word[0]) + word[1..];
                var spellings = word == "hate" ? new[] { word, " " + word } : [word, " " + word, capitalised, " " + capitalised];
                foreach (var s in spellings)
                {
                    yield return (s, c);
                }
            }
        }
    }

    private static BpeVocabulary Build()
    {
        var builder = new ByteLevelBpeBuilder()
            .AddWord("\n\n")
            .AddWord("safe")
            .AddWord("unsafe");

        // Two-digit codes S10..S13 must be "S" + one number token; 1..9 are byte tokens already.
        foreach (var n in new[] { "10", "11", "12", "13" })
        {
            builder.AddWord(n);
        }

        foreach (var (text, _) in DangerTokenTexts())
        {
            builder.AddWord(text);
        }

        foreach (var control in ByteLevelBpeBuilder.Llama3ControlTokens)
        {
            builder.AddControl(control);
        }

        return builder.Build();
    }
}
