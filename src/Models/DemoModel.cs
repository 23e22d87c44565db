using GuardCluster.Models.Demo;
using GuardCluster.Models.Gguf;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models;

/// <summary>
/// A tiny hand-built llama model (1 layer, 16 dims, F32, &lt;100 KB) that acts like a toy Llama Guard 3: it answers
/// "\n\nsafe" unless a danger word (<see cref="DangerWords"/>) appears anywhere in the prompt, then
/// "\n\nunsafe\nS&lt;n&gt;". One attention head attends to danger tokens; the output matrix scripts the answer.
/// </summary>
public static class DemoModel
{
    /// <summary>Bump when the construction changes; cached files with another version are regenerated.</summary>
    public const int FormatVersion = 1;

    public const string FileName = "guardcluster-demo-guard-v1.gguf";
    public const string CacheEnvironmentVariable = "GUARDCLUSTER_MODEL_CACHE";

    private static readonly Lazy<byte[]> Bytes = new(Generate);

    /// <summary>Category code → danger words (lowercase; bare, space-prefixed and capitalised forms are tokens, except "Hate").</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DangerWords => DemoVocabulary.DangerWords;

    public static BpeVocabulary Vocabulary => DemoVocabulary.Vocabulary;

    /// <summary>The tokens the output script keys on, in residual-dimension order (dims 1–9).</summary>
    public static IReadOnlyList<DemoScriptedToken> ScriptedTokens { get; } =
        [.. new[] { "<|end_header_id|>", "\n\n", "safe", "unsafe", "\n", "S", "1", "10", "11" }
            .Select((text, i) => new DemoScriptedToken(text, Id(text), i + 1))];

    /// <summary>Ids of every danger token and its category code.</summary>
    public static IReadOnlyDictionary<int, string> DangerTokenIds { get; } = DemoVocabulary.DangerTokenTexts()
        .ToDictionary(d => Vocabulary.IdOfText(d.Text), d => DemoVocabulary.Categories[d.Category].Code);

    public static int BeginOfTextId => Vocabulary.IdOf("<|begin_of_text|>");

    public static int EotId => Vocabulary.IdOf("<|eot_id|>");

    public static void Write(string path) => File.WriteAllBytes(path, Bytes.Value);

    /// <summary>The GGUF bytes (deterministic; generated once per process).</summary>
    public static ReadOnlyMemory<byte> GetBytes() => Bytes.Value;

    /// <summary>
    /// Path of the demo model in the cache folder (<paramref name="cacheDir"/>, else $GUARDCLUSTER_MODEL_CACHE, else
    /// ~/.cache/guardcluster), writing it first if it is missing or differs from this build's bytes.
    /// </summary>
    public static string EnsureCached(string? cacheDir = null) => ModelCache.Ensure(ModelCache.Directory(cacheDir), FileName, Bytes.Value);

    private static int Id(string text) => text.StartsWith("<|", StringComparison.Ordinal) ? Vocabulary.IdOf(text) : Vocabulary.IdOfText(text);

    private static byte[] Generate()
    {
        var vocab = Vocabulary;
        var w = new GgufWriter();
        new LlamaHyperParameters(
            EmbeddingLength: DemoWeights.Dim, BlockCount: 1, HeadCount: 1, HeadCountKv: 1, FeedForwardLength: DemoWeights.Dim,
            ContextLength: 8192, RopeFreqBase: 1e10f, RmsEpsilon: 1e-5f, VocabSize: vocab.Count)
            .Write(w, "GuardCluster demo guard (hand-built toy Llama Guard)", LlamaFileType.AllF32);
        w.Add("guardcluster.demo.version", (uint)FormatVersion);
        TokenizerMetadata.Write(w, vocab, "llama-bpe", BeginOfTextId, EotId, addBos: false);
        w.Add("tokenizer.chat_template", LlamaGuardTemplate.Text);
        DemoWeights.AddTensors(w, vocab, ScriptedTokens);
        using var stream = new MemoryStream();
        w.WriteTo(stream);
        return stream.ToArray();
    }
}
