using System.Text.Json;

namespace GuardCluster.Cli.Admin;

/// <summary>
/// The human form of a server document: one <c>name: value</c> line per field, nested objects indented, arrays of
/// scalars joined with commas, arrays of objects as <c>-</c> items. Generic on purpose, so fields the server adds
/// later (a policy's category descriptions, say) show up without a CLI change.
/// </summary>
public static class JsonLines
{
    public static void Write(TextWriter writer, JsonElement element, int indent = 0)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var property in element.EnumerateObject())
        {
            WriteField(writer, property.Name, property.Value, new string(' ', indent), indent);
        }
    }

    private static void WriteField(TextWriter writer, string name, JsonElement value, string pad, int indent)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                writer.WriteLine($"{pad}{name}:");
                Write(writer, value, indent + 2);
                break;
            case JsonValueKind.Array when value.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Object or JsonValueKind.Array):
                writer.WriteLine($"{pad}{name}:");
                foreach (var item in value.EnumerateArray())
                {
                    WriteItem(writer, item, indent + 2);
                }

                break;
            default:
                writer.WriteLine($"{pad}{name}: {Scalar(value)}");
                break;
        }
    }

    private static void WriteItem(TextWriter writer, JsonElement item, int indent)
    {
        var pad = new string(' ', indent);
        if (item.ValueKind != JsonValueKind.Object)
        {
            writer.WriteLine($"{pad}- {Scalar(item)}");
            return;
        }

        // "- " then the item's fields, the first on the dash line (YAML-like), the rest aligned under it.
        var first = true;
        foreach (var property in item.EnumerateObject())
        {
            using var field = new StringWriter();
            WriteField(field, property.Name, property.Value, "", indent + 2);
            var text = field.ToString().TrimEnd('\n', '\r');
            writer.WriteLine((first ? pad + "- " : pad + "  ") + text);
            first = false;
        }
    }

    /// <summary>A scalar or an array of scalars as one line (strings unquoted, null as "-", empty array as "none").</summary>
    public static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => OneLine(value.GetString() ?? ""),
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join(", ", value.EnumerateArray().Select(Scalar)),
        JsonValueKind.Object => "{}",
        _ => value.GetRawText(),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
