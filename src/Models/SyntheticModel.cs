using GuardCluster.Models.Demo;
using GuardCluster.Models.Gguf;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models;

/// <summary>
/// A random-weight llama model with Llama-Guard-3-1B's exact shape (tied embeddings, Q8_0 weights, F32 norms = 1),
/// for load and throughput work without the real weights. Tensors are generated while being written (~1.3 GB).
/// </summary>
public static class SyntheticModel
{
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
        AddTensors(w, hp, options);
        w.Write(path, progress);
    }

    private static void AddTensors(GgufWriter w, LlamaHyperParameters hp, SyntheticModelOptions options)
    {
        var index = 0UL;
        var embd = (ulong)hp.EmbeddingLength;
        void Matrix(string name, ulong inputs, ulong outputs)
        {
            // Each tensor gets its own seed so its bytes do not depend on the order they are produced in.
            var seed = options.Seed * 0x9E3779B97F4A7C15 + index++;
            w.AddTensor(name, [inputs, outputs], GgmlType.Q8_0, s => RandomQ8Blocks.Write(s, inputs * outputs, seed, options.WeightStd));
        }

        void Norm(string name) => w.AddTensorF32(name, [embd], Enumerable.Repeat(1f, hp.EmbeddingLength).ToArray());

        // Tied embeddings: llama.cpp reuses token_embd for the output when output.weight is absent.
        Matrix("token_embd.weight", embd, (ulong)hp.VocabSize);
        for (var b = 0; b < hp.BlockCount; b++)
        {
            var p = $"blk.{b}.";
            Norm(p + "attn_norm.weight");
            Matrix(p + "attn_q.weight", embd, embd);
            Matrix(p + "attn_k.weight", embd, (ulong)hp.KvDim);
            Matrix(p + "attn_v.weight", embd, (ulong)hp.KvDim);
            Matrix(p + "attn_output.weight", embd, embd);
            Norm(p + "ffn_norm.weight");
            Matrix(p + "ffn_gate.weight", embd, (ulong)hp.FeedForwardLength);
            Matrix(p + "ffn_up.weight", embd, (ulong)hp.FeedForwardLength);
            Matrix(p + "ffn_down.weight", (ulong)hp.FeedForwardLength, embd);
        }

        Norm("output_norm.weight");
    }
}
