using GuardCluster.Models.Gguf;

namespace GuardCluster.Models.Tokenizers;

/// <summary>Writes a BPE vocabulary as llama.cpp's <c>tokenizer.ggml.*</c> metadata.</summary>
public static class TokenizerMetadata
{
    public static void Write(GgufWriter writer, BpeVocabulary vocab, string pre, int? bosId, int? eosId, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(vocab);
        writer.Add("tokenizer.ggml.model", "gpt2");
        writer.Add("tokenizer.ggml.pre", pre);
        writer.Add("tokenizer.ggml.tokens", [.. vocab.Tokens]);
        writer.Add("tokenizer.ggml.token_type", [.. vocab.TokenTypes.Select(t => (int)t)]);
        writer.Add("tokenizer.ggml.merges", [.. vocab.Merges]);
        if (bosId is { } bos)
        {
            writer.Add("tokenizer.ggml.bos_token_id", (uint)bos);
        }

        if (eosId is { } eos)
        {
            writer.Add("tokenizer.ggml.eos_token_id", (uint)eos);
        }

        writer.Add("tokenizer.ggml.add_bos_token", addBos);
    }
}
