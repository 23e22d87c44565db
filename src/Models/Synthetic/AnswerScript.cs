using GuardCluster.Models.Demo;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models.Synthetic;

/// <summary>
/// The demo guard's answer circuit planted into a random-weight model (<see cref="SyntheticModelOptions.ScriptedAnswers"/>),
/// so a model with the real shape and per-token cost also answers like Llama Guard: <c>"\n\nsafe"</c>, or
/// <c>"\n\nunsafe\nS&lt;n&gt;"</c> when a danger word appears, each ended by <c>&lt;|eot_id|&gt;</c>. Random weights
/// alone answer noise up to the token cap, which hides what a real model's short answers cost.
/// <para>
/// The circuit lives in the last Q8_0 block of the residual stream (32 dims, demo layout: 0 bias, 1–9 scripted
/// token identities, 10–12 danger inputs, 13–15 accumulators). Nothing random writes there (those output rows of
/// every <c>attn_output</c> and <c>ffn_down</c> are zero), and the embedding puts a large value <see cref="Level"/>
/// there, so after each RMSNorm the circuit's dims dominate. Layer 0's first attention head finds danger tokens;
/// an untied <c>output.weight</c> maps the current token's identity to the next answer token. Every matrix keeps
/// its shape and type, so compute per token is that of the plain random model.
/// </para>
/// </summary>
internal sealed class AnswerScript
{
    public const int Width = 32;

    // Residual level of an active circuit dim. Large, so random layers (rms ~1 per dim per layer) barely move the
    // final RMSNorm: an active dim then normalises to ≈ √(d / active dims), which the gains below are set from.
    private const float Level = 1024f;

    private const int BiasDim = DemoWeights.BiasDim;
    private const int FirstDangerDim = DemoWeights.FirstDangerDim;
    private const int FirstAccumulatorDim = DemoWeights.FirstAccumulatorDim;

    // Target logits (as in the demo): scripted next token ≈ 40, benign safe-over-unsafe margin ≈ 12 (P(unsafe) ≈ e^-12),
    // code bonus 12; and an attention score of 14 on danger keys (~all attention on one danger token among thousands).
    private const float ScriptLogit = 40f;
    private const float Margin = 12f;
    private const float AttentionScore = 14f;

    private static readonly string[] ScriptedTexts = ["<|end_header_id|>", "\n\n", "safe", "unsafe", "\n", "S", "1", "10", "11"];

    private readonly Dictionary<int, int> _identityDims = [];
    private readonly Dictionary<int, int> _dangerCategories = [];
    private readonly Dictionary<int, float[]> _outputBlocks = [];
    private readonly int _embedding;
    private readonly int _headDim;
    private readonly float _unit;

    public AnswerScript(BpeVocabulary vocab, int embeddingLength, int headDim)
    {
        _embedding = embeddingLength;
        _headDim = headDim;

        // What an active dim normalises to when two circuit dims are active (bias + identity): √(d / 2).
        _unit = MathF.Sqrt(embeddingLength / 2f);
        for (var i = 0; i < ScriptedTexts.Length; i++)
        {
            _identityDims[Id(vocab, ScriptedTexts[i])] = i + 1;
        }

        foreach (var (text, category) in DemoVocabulary.DangerTokenTexts())
        {
            // Spellings that are not one token in this vocabulary cannot be keyed on; the rest are enough.
            if (vocab.TryGetId(ByteLevel.Encode(text), out var id))
            {
                _dangerCategories[id] = category;
            }
        }

        EndOfTurn = vocab.IdOf("<|eot_id|>");
        BuildOutput(vocab);
    }

    /// <summary>First residual dim of the circuit block.</summary>
    public int Offset => _embedding - Width;

    public int EndOfTurn { get; }

    /// <summary>Danger token ids the circuit reacts to.</summary>
    public IReadOnlyCollection<int> DangerTokenIds => _dangerCategories.Keys;

    /// <summary>The circuit block of a token's embedding.</summary>
    public float[] EmbeddingBlock(int token)
    {
        var block = new float[Width];
        block[BiasDim] = Level;
        if (_identityDims.TryGetValue(token, out var dim))
        {
            block[dim] = Level;
        }

        if (_dangerCategories.TryGetValue(token, out var category))
        {
            block[FirstDangerDim + category] = Level;
        }

        return block;
    }

    /// <summary>The circuit block of a token's output row (zero for tokens the script never chooses).</summary>
    public float[] OutputBlock(int token) => _outputBlocks.TryGetValue(token, out var block) ? block : new float[Width];

    /// <summary>Layer 0's query rows: head 0 reads the bias on its slowest-rotating RoPE dim, so every query looks for danger.</summary>
    public float[]? QueryRow(int row) => row == _headDim - 2 ? Sparse(_embedding, (Offset + BiasDim, Gain)) : row < _headDim ? new float[_embedding] : null;

    /// <summary>Layer 0's key rows: KV head 0 is non-zero only on danger tokens, on the same RoPE dim.</summary>
    public float[]? KeyRow(int row) => row == _headDim - 2
        ? Sparse(_embedding, (Offset + FirstDangerDim, Gain), (Offset + FirstDangerDim + 1, Gain), (Offset + FirstDangerDim + 2, Gain))
        : row < _headDim ? new float[_embedding] : null;

    /// <summary>Layer 0's value rows: KV head 0 carries the three danger inputs in its dims 0–2.</summary>
    public float[]? ValueRow(int row) => row < 3 ? Sparse(_embedding, (Offset + FirstDangerDim + row, 1f)) : row < _headDim ? new float[_embedding] : null;

    /// <summary>
    /// Rows of a matrix writing the residual stream (<c>attn_output</c>, <c>ffn_down</c>): the circuit's rows are zero
    /// except, in layer 0's <c>attn_output</c>, the accumulators, which copy head 0's danger shares scaled to <see cref="Level"/>.
    /// </summary>
    public float[]? ResidualWriterRow(int row, int inputs, bool layer0Attention)
    {
        if (row < Offset)
        {
            return null;
        }

        var j = row - Offset - FirstAccumulatorDim;
        return layer0Attention && j is >= 0 and < 3
            ? Sparse(inputs, (j, Level / _unit)) // the attended value is a danger dim normalised to _unit
            : new float[inputs];
    }

    // Score = gain² · unit² / √headDim (llama.cpp scales q·k by 1/√headDim).
    private float Gain => MathF.Sqrt(AttentionScore * MathF.Sqrt(_headDim)) / _unit;

    private void BuildOutput(BpeVocabulary vocab)
    {
        void Set(int token, int dim, float value)
        {
            if (!_outputBlocks.TryGetValue(token, out var block))
            {
                _outputBlocks[token] = block = new float[Width];
            }

            block[dim] += value;
        }

        // The demo's script, in the same block layout, with gains in units of what an active dim normalises to.
        DemoWeights.ScriptOutput(
            Set, text => Id(vocab, text), text => _identityDims[Id(vocab, text)], EndOfTurn, ScriptLogit / _unit, Margin / _unit, Margin / _unit);
    }

    private static int Id(BpeVocabulary vocab, string text) =>
        text.StartsWith("<|", StringComparison.Ordinal) ? vocab.IdOf(text) : vocab.IdOfText(text);

    private static float[] Sparse(int length, params (int Index, float Value)[] entries)
    {
        var row = new float[length];
        foreach (var (index, value) in entries)
        {
            row[index] = value;
        }

        return row;
    }
}
