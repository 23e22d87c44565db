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

    public int[] Tokenize(RenderedPrompt prompt) => TokenizeWithLayout(prompt, header: false, conversation: false).Tokens;

    /// <summary>
    /// Tokens plus how many of them form the policy header and the conversation part (see
    /// <see cref="PromptLayout"/>). Boundaries are measured, not assumed: each is the longest common prefix of
    /// the full tokens and the tokens of the text up to that point, so a cached KV prefix is always exact.
    /// Each boundary costs one more tokenization of the text before it, so callers ask only for what they use.
    /// </summary>
    public TokenizedPrompt TokenizeWithLayout(RenderedPrompt prompt, bool header = true, bool conversation = true)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var ids = new List<int>(256);
        int headerTokens = 0, conversationTokens = 0;
        for (var i = 0; i < prompt.Pieces.Count; i++)
        {
            var piece = prompt.Pieces[i];
            if (piece.Kind == PromptPieceKind.Special)
            {
                ids.Add(SpecialId(piece.Text));
                continue;
            }

            if (piece.Text.Length == 0)
            {
                continue;
            }

            var tokens = TokenizePlain(piece.Text);
            if (prompt.Layout is { } layout && layout.BodyPiece == i)
            {
                headerTokens = header ? ids.Count + Boundary(tokens, piece.Text, layout.HeaderChars) : 0;
                conversationTokens = conversation ? ids.Count + Boundary(tokens, piece.Text, layout.ConversationChars) : 0;
            }

            ids.AddRange(tokens);
        }

        return new TokenizedPrompt([.. ids], headerTokens, conversationTokens);
    }

    /// <summary>Tokens of a plain text (special parsing off, no BOS).</summary>
    public int[] TokenizePlain(string text) =>
        [.. _weights.Tokenize(text, false, false, Encoding.UTF8).Select(t => (int)t)];

    /// <summary>Bytes of text the longest ordinary token stands for: text of n bytes needs at least n ÷ this many tokens.</summary>
    public int MaxPieceBytes()
    {
        var handle = _weights.NativeHandle;
        Span<byte> buffer = stackalloc byte[1024];
        var max = 1;
        for (var id = 0; id < _weights.Vocab.Count; id++)
        {
            var length = (int)handle.TokenToSpan((LLamaToken)id, buffer, 0, false);
            max = Math.Max(max, Math.Min(length, buffer.Length));
        }

        return max;
    }

    public bool IsControl(int id) => ((LLamaToken)id).IsControl(_weights.Vocab);

    /// <summary>The token's text; special tokens are rendered by name (e.g. <c>&lt;|eot_id|&gt;</c>).</summary>
    public string Piece(int id) => _weights.Vocab.LLamaTokenToString((LLamaToken)id, true) ?? string.Empty;

    public IReadOnlyList<PromptToken> Describe(IEnumerable<int> ids) =>
        [.. ids.Select(id => new PromptToken(id, IsControl(id), Piece(id)))];

    private int Boundary(int[] full, string text, int chars)
    {
        var prefix = TokenizePlain(text[..chars]);
        var n = Math.Min(prefix.Length, full.Length);
        var i = 0;
        while (i < n && prefix[i] == full[i])
        {
            i++;
        }

        // The last prefix token may merge differently with what follows; keep only tokens that agree.
        return i;
    }

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
