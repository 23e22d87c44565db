using System.Text;
using GuardCluster.Core.Prompting;
using LLama;
using LLama.Native;

namespace GuardCluster.Engine.Tokenization;

/// <summary>
/// Turns a rendered prompt into token ids the way the model expects: special-token parsing is on only for
/// the template's own special pieces; each plain-text run (which holds all user/assistant content) is
/// tokenized as one piece with special parsing off, so typed <c>&lt;|eot_id|&gt;</c> stays text. No BOS is
/// added: the template already starts with <c>&lt;|begin_of_text|&gt;</c>.
/// </summary>
public sealed class GuardTokenizer
{
    private readonly LLamaWeights _weights;
    private readonly Dictionary<string, int> _specialIds = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public GuardTokenizer(LLamaWeights weights)
    {
        _weights = weights;
    }

    public int[] Tokenize(RenderedPrompt prompt)
    {
        var ids = new List<int>(256);
        foreach (var piece in prompt.Pieces)
        {
            if (piece.Kind == PromptPieceKind.Special)
            {
                ids.Add(SpecialId(piece.Text));
            }
            else if (piece.Text.Length > 0)
            {
                foreach (var token in _weights.Tokenize(piece.Text, false, false, Encoding.UTF8))
                {
                    ids.Add((int)token);
                }
            }
        }

        return [.. ids];
    }

    /// <summary>Tokens of a plain text (special parsing off, no BOS).</summary>
    public int[] TokenizePlain(string text) =>
        [.. _weights.Tokenize(text, false, false, Encoding.UTF8).Select(t => (int)t)];

    public bool IsControl(int id) => ((LLamaToken)id).IsControl(_weights.Vocab);

    /// <summary>The token's text; special tokens are rendered by name (e.g. <c>&lt;|eot_id|&gt;</c>).</summary>
    public string Piece(int id) => _weights.Vocab.LLamaTokenToString((LLamaToken)id, true) ?? string.Empty;

    public IReadOnlyList<PromptToken> Describe(IEnumerable<int> ids) =>
        [.. ids.Select(id => new PromptToken(id, IsControl(id), Piece(id)))];

    private int SpecialId(string text)
    {
        lock (_gate)
        {
            if (_specialIds.TryGetValue(text, out var cached))
            {
                return cached;
            }

            var tokens = _weights.Tokenize(text, false, true, Encoding.UTF8);
            if (tokens.Length != 1 || !tokens[0].IsControl(_weights.Vocab))
            {
                throw new InvalidOperationException(
                    $"The model's vocabulary has no special token '{text}'; it is not a Llama Guard 3 (Llama 3 vocabulary) model.");
            }

            _specialIds[text] = (int)tokens[0];
            return (int)tokens[0];
        }
    }
}
