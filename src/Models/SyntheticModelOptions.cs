namespace GuardCluster.Models;

/// <summary>Shape and seed of a <see cref="SyntheticModel"/>; the defaults are Llama-Guard-3-1B's exact shape.</summary>
public sealed record SyntheticModelOptions
{
    /// <summary>A Llama 3 Hugging Face tokenizer.json; without it the demo byte-level vocabulary is padded to <see cref="VocabSize"/>.</summary>
    public string? TokenizerJsonPath { get; init; }

    public ulong Seed { get; init; } = 1;

    public int EmbeddingLength { get; init; } = 2048;

    public int BlockCount { get; init; } = 16;

    public int HeadCount { get; init; } = 32;

    public int HeadCountKv { get; init; } = 8;

    public int FeedForwardLength { get; init; } = 8192;

    /// <summary>Vocabulary size when no tokenizer.json is given (a real tokenizer brings its own size).</summary>
    public int VocabSize { get; init; } = 128256;

    /// <summary>8192, not the real 131072: llama.cpp sizes buffers from it when no context size is given.</summary>
    public int ContextLength { get; init; } = 8192;

    public float RopeFreqBase { get; init; } = 500000f;

    public float RmsEpsilon { get; init; } = 1e-5f;

    /// <summary>Standard deviation of the random weights.</summary>
    public float WeightStd { get; init; } = 0.02f;

    public string Name { get; init; } = "Llama-Guard-3-1B shape (synthetic random weights)";

    /// <summary>
    /// Plant the demo guard's answer circuit in the random weights (an untied output matrix of the same shape, and a
    /// few rows set by hand), so the model answers like Llama Guard (<c>"\n\nsafe"</c>, or <c>unsafe</c> + a code when a
    /// danger word appears) at the same cost per token. Off: random answers, up to the token cap.
    /// </summary>
    public bool ScriptedAnswers { get; init; }

    /// <summary>A few-hundred-KB shape for tests (64 dims, 2 layers, 4 heads / 2 KV heads, 1024 tokens).</summary>
    public static SyntheticModelOptions Tiny { get; } = new()
    {
        EmbeddingLength = 64, BlockCount = 2, HeadCount = 4, HeadCountKv = 2, FeedForwardLength = 128, VocabSize = 1024,
        Name = "tiny synthetic llama",
    };

    internal void Validate()
    {
        if (EmbeddingLength % 32 != 0 || FeedForwardLength % 32 != 0)
        {
            throw new ArgumentException("embedding and feed-forward lengths must be multiples of 32 (Q8_0 blocks)");
        }

        if (HeadCount <= 0 || HeadCountKv <= 0 || EmbeddingLength % HeadCount != 0 || HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException("heads must divide the embedding length and KV heads must divide heads");
        }

        if (ScriptedAnswers && (EmbeddingLength < 2 * Synthetic.AnswerScript.Width || EmbeddingLength / HeadCount < 4))
        {
            throw new ArgumentException("scripted answers need at least 64 embedding dims and 4 dims per head");
        }

        if (BlockCount <= 0 || ContextLength <= 0)
        {
            throw new ArgumentException("block count and context length must be positive");
        }
    }
}
