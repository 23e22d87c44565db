using System.Text.Json;
using System.Text.Json.Nodes;

namespace GuardCluster.Cli.Evaluation;

/// <summary>
/// Reads an evaluation JSONL file: each non-blank line is a guard input object plus a label.
/// <list type="bullet">
/// <item><c>"expected"</c> (or its alias <c>"label"</c>): <c>"safe"</c> or <c>"unsafe"</c>, case-insensitive; the model's own
/// answer form <c>"unsafe\nS1,S10"</c> is accepted too. <c>"label"</c> may also be the number 0 (safe) or 1 (unsafe).
/// When both are given they must agree.</item>
/// <item><c>"expected_categories"</c>: optional array of category codes, only on unsafe lines.</item>
/// <item><c>"id"</c>: optional, ignored.</item>
/// </list>
/// These fields are removed; the rest of the object is the guard input handed to the parser.
/// </summary>
public static class EvalDatasetReader
{
    private static readonly string[] LabelFields = ["expected", "label", "expected_categories", "id"];

    public static IReadOnlyList<EvalExample> Read(TextReader reader)
    {
        var examples = new List<EvalExample>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                examples.Add(ParseLine(lineNumber, line));
            }
        }

        return examples;
    }

    public static EvalExample ParseLine(int lineNumber, string line)
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(line) as JsonObject
                ?? throw new DatasetFormatException(lineNumber, "expected a JSON object");

            // Touch every property now: JsonObject reports duplicate keys lazily.
            _ = obj.Count;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new DatasetFormatException(lineNumber, $"invalid JSON ({ex.Message})", ex);
        }

        var label = ReadLabel(lineNumber, obj);
        foreach (var field in LabelFields)
        {
            obj.Remove(field);
        }

        return new EvalExample(lineNumber, obj.ToJsonString(), label);
    }

    private static ExpectedLabel ReadLabel(int line, JsonObject obj)
    {
        var expected = obj.TryGetPropertyValue("expected", out var e) ? ParseLabelValue(line, "expected", e, allowNumber: false) : null;
        var label = obj.TryGetPropertyValue("label", out var l) ? ParseLabelValue(line, "label", l, allowNumber: true) : null;
        if (expected is null && label is null)
        {
            throw new DatasetFormatException(line, "missing \"expected\" (or \"label\"): \"safe\" or \"unsafe\"");
        }

        if (expected is not null && label is not null && !SameLabel(expected, label))
        {
            throw new DatasetFormatException(line, "\"expected\" and \"label\" disagree");
        }

        // Keep whichever side named categories (they agree when both did).
        var result = expected is null ? label! : label is null || expected.Categories.Count > 0 ? expected : label;
        if (!obj.TryGetPropertyValue("expected_categories", out var cats) || cats is null)
        {
            return result;
        }

        var codes = ParseCodes(line, cats);
        if (!result.IsUnsafe && codes.Count > 0)
        {
            throw new DatasetFormatException(line, "\"expected_categories\" is only allowed when the line is expected unsafe");
        }

        if (result.Categories.Count > 0 && !result.Categories.SequenceEqual(codes, StringComparer.Ordinal))
        {
            throw new DatasetFormatException(line, "\"expected_categories\" disagrees with the codes in the label");
        }

        return result with { Categories = codes };
    }

    private static ExpectedLabel ParseLabelValue(int line, string field, JsonNode? node, bool allowNumber)
    {
        if (node is JsonValue value)
        {
            if (value.TryGetValue<string>(out var text))
            {
                return ParseLabelText(line, field, text);
            }

            if (allowNumber && value.TryGetValue<double>(out var number) && number is 0 or 1)
            {
                return number == 1 ? ExpectedLabel.Unsafe() : ExpectedLabel.Safe;
            }
        }

        var allowed = allowNumber ? "\"safe\", \"unsafe\", 0 or 1" : "\"safe\" or \"unsafe\"";
        throw new DatasetFormatException(line, $"\"{field}\" must be {allowed}");
    }

    private static ExpectedLabel ParseLabelText(int line, string field, string text)
    {
        // Also accepts Llama Guard's own answer shape: "unsafe" then a line of comma-separated codes.
        var lines = text.Trim().Split('\n', StringSplitOptions.TrimEntries);
        var head = lines[0];
        if (head.Equals("safe", StringComparison.OrdinalIgnoreCase) && lines.Length == 1)
        {
            return ExpectedLabel.Safe;
        }

        if (head.Equals("unsafe", StringComparison.OrdinalIgnoreCase) && lines.Length <= 2)
        {
            var codes = lines.Length == 2 ? SplitCodes(lines[1]) : [];
            return new ExpectedLabel(true, codes);
        }

        throw new DatasetFormatException(line, $"\"{field}\" must be \"safe\" or \"unsafe\", got {JsonSerializer.Serialize(text)}");
    }

    private static List<string> ParseCodes(int line, JsonNode node)
    {
        if (node is not JsonArray array)
        {
            throw new DatasetFormatException(line, "\"expected_categories\" must be an array of category codes");
        }

        var codes = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var code) || string.IsNullOrWhiteSpace(code))
            {
                throw new DatasetFormatException(line, "\"expected_categories\" must contain non-empty strings such as \"S1\"");
            }

            if (!codes.Contains(code.Trim(), StringComparer.Ordinal))
            {
                codes.Add(code.Trim());
            }
        }

        return codes;
    }

    private static string[] SplitCodes(string codes) =>
        [.. codes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static bool SameLabel(ExpectedLabel a, ExpectedLabel b) =>
        a.IsUnsafe == b.IsUnsafe && (a.Categories.Count == 0 || b.Categories.Count == 0 || a.Categories.SequenceEqual(b.Categories, StringComparer.Ordinal));
}
