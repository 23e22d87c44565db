using System.Globalization;

namespace GuardCluster.Models.Gguf;

/// <summary>The facts about a GGUF model a person wants to see (CLI <c>model info</c>), read from its header only.</summary>
public sealed record GgufModelSummary(
    string Path,
    string? Architecture,
    string? Name,
    long FileSizeBytes,
    uint GgufVersion,
    long? ContextLength,
    long? EmbeddingLength,
    long? BlockCount,
    long? HeadCount,
    long? HeadCountKv,
    long? FeedForwardLength,
    double? RopeFreqBase,
    int VocabSize,
    string? TokenizerModel,
    string? TokenizerPre,
    ulong ParameterCount,
    IReadOnlyDictionary<GgmlType, int> TensorTypeCounts,
    string? FileType,
    string? ChatTemplate,
    int TensorCount,
    int MetadataCount)
{
    public static GgufModelSummary Read(string path) => From(GgufFile.Read(path));

    public static GgufModelSummary From(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var arch = file.Get("general.architecture")?.Value as string;
        long? Arch(string key) => arch is null ? null : Int(file, $"{arch}.{key}");

        var types = file.Tensors.GroupBy(t => t.Type).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        var fileType = file.Get("general.file_type") is { } ft && !ft.IsArray ? LlamaFileType.Name((uint)ft.AsInt64()) : null;
        var tokens = file.Get("tokenizer.ggml.tokens");
        var vocab = tokens is { IsArray: true } ? tokens.ArrayCount : (int)(Arch("vocab_size") ?? 0);
        return new GgufModelSummary(
            file.Path,
            arch,
            file.Get("general.name")?.Value as string,
            file.FileSizeBytes,
            file.Version,
            Arch("context_length"),
            Arch("embedding_length"),
            Arch("block_count"),
            Arch("attention.head_count"),
            Arch("attention.head_count_kv"),
            Arch("feed_forward_length"),
            arch is not null && file.Get($"{arch}.rope.freq_base") is { IsArray: false } rope ? rope.AsDouble() : null,
            vocab,
            file.Get("tokenizer.ggml.model")?.Value as string,
            file.Get("tokenizer.ggml.pre")?.Value as string,
            file.Tensors.Aggregate(0UL, (n, t) => n + t.ElementCount),
            types,
            fileType,
            file.Get("tokenizer.chat_template")?.Value as string,
            file.Tensors.Count,
            file.Metadata.Count);
    }

    /// <summary>"key: value" lines for a terminal.</summary>
    public IReadOnlyList<string> ToDisplayLines()
    {
        static string Opt<T>(T? v) where T : struct, IFormattable => v is { } x ? x.ToString(null, CultureInfo.InvariantCulture) : "-";
        return
        [
            $"file:              {Path}",
            $"size:              {FormatBytes(FileSizeBytes)} ({FileSizeBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)",
            $"gguf version:      {GgufVersion}",
            $"architecture:      {Architecture ?? "-"}",
            $"name:              {Name ?? "-"}",
            $"parameters:        {FormatCount(ParameterCount)} ({ParameterCount.ToString("N0", CultureInfo.InvariantCulture)})",
            $"file type:         {FileType ?? "-"}",
            $"tensors:           {TensorCount} ({string.Join(", ", TensorTypeCounts.Select(kv => $"{kv.Key}: {kv.Value}"))})",
            $"context length:    {Opt(ContextLength)}",
            $"embedding length:  {Opt(EmbeddingLength)}",
            $"blocks:            {Opt(BlockCount)}",
            $"heads / kv heads:  {Opt(HeadCount)} / {Opt(HeadCountKv)}",
            $"feed forward:      {Opt(FeedForwardLength)}",
            $"rope freq base:    {Opt(RopeFreqBase)}",
            $"vocabulary:        {VocabSize.ToString(CultureInfo.InvariantCulture)} tokens ({TokenizerModel ?? "-"}, pre {TokenizerPre ?? "-"})",
            $"chat template:     {(ChatTemplate is null ? "none" : $"{ChatTemplate.Length} chars")}",
            $"metadata keys:     {MetadataCount}",
        ];
    }

    private static long? Int(GgufFile file, string key) =>
        file.Get(key) is { IsArray: false, Type: not (GgufValueType.String or GgufValueType.Float32 or GgufValueType.Float64 or GgufValueType.Bool) } v
            ? v.AsInt64()
            : null;

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture)} MiB",
        >= 1L << 10 => $"{(bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} KiB",
        _ => $"{bytes} B",
    };

    private static string FormatCount(ulong n) => n switch
    {
        >= 1_000_000_000 => $"{(n / 1e9).ToString("0.00", CultureInfo.InvariantCulture)} B",
        >= 1_000_000 => $"{(n / 1e6).ToString("0.00", CultureInfo.InvariantCulture)} M",
        >= 1_000 => $"{(n / 1e3).ToString("0.0", CultureInfo.InvariantCulture)} K",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
