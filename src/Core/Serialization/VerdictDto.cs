using System.Text.Json.Serialization;

namespace GuardCluster.Core.Serialization;

/// <summary>
/// Wire shape of a verdict. Names are pinned with attributes so the shape holds under any serializer options.
/// </summary>
public sealed record VerdictDto(
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("safe")] bool Safe,
    [property: JsonPropertyName("categories")] IReadOnlyList<CategoryDto> Categories,
    [property: JsonPropertyName("unsafe_probability")] double? UnsafeProbability,
    [property: JsonPropertyName("category_scores")] IReadOnlyDictionary<string, double>? CategoryScores,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings,
    [property: JsonPropertyName("raw_output")] string RawOutput,
    [property: JsonPropertyName("usage")] UsageDto Usage,
    [property: JsonPropertyName("timings_ms")] TimingsDto TimingsMs,
    [property: JsonPropertyName("model")] string Model);

public sealed record CategoryDto(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name);

public sealed record UsageDto(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("cached_tokens")] int CachedTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens);

public sealed record TimingsDto(
    [property: JsonPropertyName("queue")] double Queue,
    [property: JsonPropertyName("prefill")] double Prefill,
    [property: JsonPropertyName("decode")] double Decode,
    [property: JsonPropertyName("total")] double Total);
