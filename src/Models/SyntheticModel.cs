using GuardCluster.Models.Demo;
using GuardCluster.Models.Gguf;
using GuardCluster.Models.Synthetic;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models;

/// <summary>
/// A random-weight llama model with Llama-Guard-3-1B's exact shape (tied embeddings, Q8_0 weights, F32 norms = 1),
/// for load and throughput work without the real weights. Tensors are generated while being written (~1.3 GB).
/// </summary>
public static class SyntheticModel
{
    /// <summary>Bump when the planted answer circuit changes, so cached scripted models are regenerated (it is in their file name).</summary>
    public const int ScriptedAnswersVersion = 1;

    public static void Write(string path, SyntheticModelOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (vocab, pre) = options.TokenizerJsonPath is { } json
            ? (HuggingFaceTokenizerJson.Load(json), "llama-bpe")
            : (DemoVocabulary.Vocabulary.PadTo(options.VocabSize), "llama-bpe");

        var hp = new LlamaHyperParameters(
            options.EmbeddingLength, options.BlockCount, options.HeadCount, options.HeadCountKv, options.FeedForwardLength,
            options.ContextLength, options.RopeFreqBase, options.RmsEpsilon, vocab.Count);
        var w = new GgufWriter();
        hp.Write(w, options.Name, LlamaFileType.MostlyQ8_0);
        TokenizerMetadata.Write(w, vocab, pre, vocab.IdOf("<|begin_of_text|>"), vocab.IdOf("<|eot_id|>"), addBos: false);
        w.Add("tokenizer.chat_template", LlamaGuardTemplate.Text);
        AddTensors(w, hp, options, vocab);
        w.Write(path, progress);
    }

    private static void AddTensors(GgufWriter w, LlamaHyperParameters hp, SyntheticModelOptions options, BpeVocabulary vocab)
    {
        var script = options.ScriptedAnswers ? new AnswerScript(vocab, hp.EmbeddingLength, hp.HeadDim) : null;
        var index = 0UL;
        var embd = hp.EmbeddingLength;
        void Matrix(string name, int inputs, int outputs, Func<int, float[]?>? customRow = null, Func<int, float[]?>? customTail = null)
        {
            // Each tensor gets its own seed so its bytes do not depend on the order they are produced in.
            var seed = options.Seed * 0x9E3779B97F4A7C15 + index++;
            w.AddTensor(name, [(ulong)inputs, (ulong)outputs], GgmlType.Q8_0, s =>
            {
                if (customRow is null && customTail is null)
                {
                    RandomQ8Blocks.Write(s, (ulong)inputs * (ulong)outputs, seed, options.WeightStd);
                }
                else
                {
                    RandomQ8Blocks.WriteRows(s, inputs, outputs, seed, options.WeightStd, customRow ?? (_ => null), customTail);
                }
            });
        }

        void Norm(string name) => w.AddTensorF32(name, [(ulong)embd], Enumerable.Repeat(1f, embd).ToArray());

        // Tied embeddings (as in the real model): llama.cpp reuses token_embd for the output when output.weight is
        // absent. The scripted model needs its own output matrix, of the same shape, so the cost is the same.
        Matrix("token_embd.weight", embd, hp.VocabSize, customTail: script is null ? null : script.EmbeddingBlock);
        for (var b = 0; b < hp.BlockCount; b++)
        {
            var p = $"blk.{b}.";
            var first = b == 0 && script is not null; // tensors are generated later, while writing: no loop variable in lambdas
            Norm(p + "attn_norm.weight");
            Matrix(p + "attn_q.weight", embd, embd, first ? script!.QueryRow : null);
            Matrix(p + "attn_k.weight", embd, hp.KvDim, first ? script!.KeyRow : null);
            Matrix(p + "attn_v.weight", embd, hp.KvDim, first ? script!.ValueRow : null);
            Matrix(p + "attn_output.weight", embd, embd, script is null ? null : r => script.ResidualWriterRow(r, embd, layer0Attention: first));
            Norm(p + "ffn_norm.weight");
            Matrix(p + "ffn_gate.weight", embd, hp.FeedForwardLength);
            Matrix(p + "ffn_up.weight", embd, hp.FeedForwardLength);
            Matrix(p + "ffn_down.weight", hp.FeedForwardLength, embd, script is null ? null : r => script.ResidualWriterRow(r, hp.FeedForwardLength, layer0Attention: false));
        }

        Norm("output_norm.weight");
        if (script is not null)
        {
            // Random rows read no circuit dim (zero tail); scripted answer tokens read only the circuit.
            Matrix("output.weight", embd, hp.VocabSize, customTail: script.OutputBlock);
        }
    }
}
