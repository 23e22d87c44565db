using GuardCluster.Models.Gguf;

namespace GuardCluster.Models;

/// <summary>The <c>llama.*</c> hyper-parameter metadata llama.cpp needs to build a llama graph.</summary>
internal sealed record LlamaHyperParameters(
    int EmbeddingLength, int BlockCount, int HeadCount, int HeadCountKv, int FeedForwardLength,
    int ContextLength, float RopeFreqBase, float RmsEpsilon, int VocabSize)
{
    public int HeadDim => EmbeddingLength / HeadCount;

    public int KvDim => HeadDim * HeadCountKv;

    public void Write(GgufWriter w, string name, uint fileType)
    {
        w.Add("general.architecture", "llama");
        w.Add("general.name", name);
        w.Add("general.file_type", fileType);
        w.Add("llama.context_length", (uint)ContextLength);
        w.Add("llama.embedding_length", (uint)EmbeddingLength);
        w.Add("llama.block_count", (uint)BlockCount);
        w.Add("llama.feed_forward_length", (uint)FeedForwardLength);
        w.Add("llama.rope.dimension_count", (uint)HeadDim);
        w.Add("llama.attention.head_count", (uint)HeadCount);
        w.Add("llama.attention.head_count_kv", (uint)HeadCountKv);
        w.Add("llama.attention.layer_norm_rms_epsilon", RmsEpsilon);
        w.Add("llama.rope.freq_base", RopeFreqBase);
        w.Add("llama.vocab_size", (uint)VocabSize);
    }
}
