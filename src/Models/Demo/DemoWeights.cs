using GuardCluster.Models.Gguf;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models.Demo;

/// <summary>
/// The hand-set weights of the demo guard (see <see cref="DemoModel"/>). Residual dims: 0 bias, 1–9 scripted token
/// identities, 10–12 danger inputs (S1, S10, S11), 13–15 accumulators. W[out, in] is stored row-major by out.
/// </summary>
internal static class DemoWeights
{
    public const int Dim = 16;
    public const int BiasDim = 0;
    public const int FirstDangerDim = 10;
    public const int FirstAccumulatorDim = 13;
    private const int AttnDim = 14; // the Q/K pair (14, 15) rotates slowest under RoPE

    // A two-hot token (bias + one feature) is √8 in each of its dims after RMSNorm over 16 dims.
    private static readonly float U = MathF.Sqrt(8);

    // Score a·a·u²/√16 = 12 on danger keys (0 elsewhere) puts ~all attention on any danger token.
    private static readonly float AttnGain = MathF.Sqrt(12f * 4f / 8f);
    private static readonly float A = 40f / U; // scripted next-token logit ≈ 40
    private static readonly float D = 12f / U; // benign margin of safe over unsafe ≈ 12 (P(unsafe) ≈ e^-12)
    private static readonly float B = 12f / U; // code bonus; 2D and B stay below A so the script cannot loop

    /// <summary>
    /// The answer script of the output matrix (shared with the synthetic model's planted circuit): the current
    /// token's identity dim votes for the next answer token with weight <paramref name="a"/>; the accumulators tip
    /// <c>safe</c> to <c>unsafe</c> (margin <paramref name="d"/>) and pick the code (bonus <paramref name="b"/>).
    /// </summary>
    public static void ScriptOutput(Action<int, int, float> set, Func<string, int> id, Func<string, int> dimOf, int eot, float a, float d, float b)
    {
        set(id("\n\n"), dimOf("<|end_header_id|>"), a);
        set(id("safe"), dimOf("\n\n"), a);
        set(id("unsafe"), dimOf("\n\n"), a - d);
        set(eot, dimOf("safe"), a);
        set(id("\n"), dimOf("unsafe"), a);
        set(id("S"), dimOf("\n"), a);
        for (var j = 0; j < DemoVocabulary.Categories.Count; j++)
        {
            var code = DemoVocabulary.Categories[j].Number;
            set(id("unsafe"), FirstAccumulatorDim + j, 2 * d);
            set(id(code), dimOf("S"), a);
            set(id(code), FirstAccumulatorDim + j, b);
            set(eot, dimOf(code), a);
        }
    }

    public static void AddTensors(GgufWriter w, BpeVocabulary vocab, IReadOnlyList<DemoScriptedToken> scripted)
    {
        var n = vocab.Count;
        int Id(string text) => scripted.First(s => s.Text == text).TokenId;
        int DimOf(string text) => scripted.First(s => s.Text == text).ResidualDim;

        var embd = new float[n * Dim];
        for (var t = 0; t < n; t++)
        {
            embd[(t * Dim) + BiasDim] = 1;
        }

        foreach (var s in scripted)
        {
            embd[(s.TokenId * Dim) + s.ResidualDim] = 1;
        }

        foreach (var (text, category) in DemoVocabulary.DangerTokenTexts())
        {
            embd[(vocab.IdOfText(text) * Dim) + FirstDangerDim + category] = 1;
        }

        var q = new float[Dim * Dim];
        var k = new float[Dim * Dim];
        var v = new float[Dim * Dim];
        var o = new float[Dim * Dim];
        q[(AttnDim * Dim) + BiasDim] = AttnGain;
        for (var j = 0; j < 3; j++)
        {
            k[(AttnDim * Dim) + FirstDangerDim + j] = AttnGain;
            v[((FirstDangerDim + j) * Dim) + FirstDangerDim + j] = 1;
            o[((FirstAccumulatorDim + j) * Dim) + FirstDangerDim + j] = 1 / U; // accumulator j = attention share on category j
        }

        var output = new float[n * Dim];
        void Set(int token, int inDim, float value) => output[(token * Dim) + inDim] += value;
        ScriptOutput(Set, Id, DimOf, vocab.IdOf("<|eot_id|>"), A, D, B);

        var ones = Enumerable.Repeat(1f, Dim).ToArray();
        var zeros = new float[Dim * Dim];
        ulong[] square = [Dim, Dim];
        w.AddTensorF32("token_embd.weight", [Dim, (ulong)n], embd);
        w.AddTensorF32("blk.0.attn_norm.weight", [Dim], ones);
        w.AddTensorF32("blk.0.attn_q.weight", square, q);
        w.AddTensorF32("blk.0.attn_k.weight", square, k);
        w.AddTensorF32("blk.0.attn_v.weight", square, v);
        w.AddTensorF32("blk.0.attn_output.weight", square, o);
        w.AddTensorF32("blk.0.ffn_norm.weight", [Dim], ones);
        w.AddTensorF32("blk.0.ffn_gate.weight", square, zeros);
        w.AddTensorF32("blk.0.ffn_up.weight", square, zeros);
        w.AddTensorF32("blk.0.ffn_down.weight", square, zeros);
        w.AddTensorF32("output_norm.weight", [Dim], ones);
        w.AddTensorF32("output.weight", [Dim, (ulong)n], output);
    }
}
