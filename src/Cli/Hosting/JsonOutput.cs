using System.Text.Encodings.Web;
using System.Text.Json;

namespace GuardCluster.Cli.Hosting;

/// <summary>
/// How <c>--json</c> output is written: one indented document, snake_case names like the HTTP API, and relaxed
/// escaping so text such as <c>&lt;|eot_id|&gt;</c> or non-ASCII stays readable (the output is never embedded in HTML).
/// </summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteAsync(TextWriter stdout, object value) =>
        stdout.WriteLineAsync(JsonSerializer.Serialize(value, value.GetType(), Options));

    public static Task WriteAsync(TextWriter stdout, JsonElement value) =>
        stdout.WriteLineAsync(JsonSerializer.Serialize(value, Options));
}
