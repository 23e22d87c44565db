using System.Text.Json;

namespace GuardCluster.Core.Serialization;

/// <summary>
/// The strict rules every JSON body follows, wherever it is parsed: each property name and string value must be
/// valid UTF-16 (a lone surrogate escape such as <c>\ud800</c> is refused, in a name as in a value), an object
/// holds only the fields its reader knows (<see cref="GuardErrorCodes.UnknownField"/>, so a misspelt field is never
/// a silent no-op), and no field is given twice.
/// </summary>
public static class JsonFields
{
    /// <summary>How deeply any JSON body may nest (the HTTP API and <see cref="GuardInputJson.Parse"/> alike).</summary>
    public const int MaxDepth = 64;

    /// <summary>The parser options every body is read with.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// Walks a whole document once and refuses any property name or string value that is not valid UTF-16, so no
    /// later read of a name or value can fail. Paths are written like the readers' (<c>messages[0].content</c>).
    /// </summary>
    public static void ValidateText(JsonElement element, string? path = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = Name(property, path);
                    ValidateText(property.Value, Join(path, name));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    ValidateText(item, $"{path ?? "$"}[{index}]");
                    index++;
                }

                break;
            case JsonValueKind.String:
                GetString(element, path ?? "$");
                break;
        }
    }

    /// <summary>The property's name; a name that is not valid UTF-16 is a validation error, like such a value.</summary>
    public static string Name(JsonProperty property, string? parentPath)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            var path = parentPath ?? "$";
            throw new GuardValidationException(
                GuardErrorCodes.InvalidCharacter, $"A property name in '{path}' is not valid Unicode (invalid UTF-8 or a lone surrogate escape).", path);
        }
    }

    /// <summary>
    /// Values of the named properties (null when absent). A named property given twice is an error, and so is
    /// any property not named (<see cref="GuardErrorCodes.UnknownField"/>).
    /// </summary>
    public static JsonElement?[] Collect(JsonElement obj, string? path, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var values = new JsonElement?[names.Length];
        foreach (var property in obj.EnumerateObject())
        {
            var name = Name(property, path);
            var full = Join(path, name);
            var index = Array.IndexOf(names, name);
            if (index < 0)
            {
                throw Unknown(full, names);
            }

            if (values[index] is not null)
            {
                throw new GuardValidationException(
                    GuardErrorCodes.DuplicateProperty, $"Property '{full}' appears more than once.", full);
            }

            values[index] = property.Value;
        }

        return values;
    }

    /// <summary>The error for a field no reader knows, naming the fields that are allowed there.</summary>
    public static GuardValidationException Unknown(string path, IEnumerable<string> known) =>
        new(GuardErrorCodes.UnknownField, $"'{path}' is not a known field; allowed here: {string.Join(", ", known)}.", path);

    /// <summary>String value; invalid UTF-16 escapes (e.g. a lone <c>\ud800</c>) become a validation error.</summary>
    public static string GetString(JsonElement element, string path)
    {
        try
        {
            return element.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException ex)
        {
            throw new GuardValidationException(
                GuardErrorCodes.InvalidCharacter, $"'{path}' is not valid Unicode (invalid UTF-8 or a lone surrogate escape): {ex.Message}", path);
        }
    }

    private static string Join(string? path, string name) => path is null or "$" ? name : $"{path}.{name}";
}
