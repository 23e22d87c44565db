using System.Text.Json;

namespace GuardCluster.Core.Serialization;

/// <summary>Small helpers for reading known fields of a JSON object strictly.</summary>
internal static class JsonFields
{
    /// <summary>Values of the named properties (null when absent). A named property given twice is an error.</summary>
    public static JsonElement?[] Collect(JsonElement obj, string? path, params string[] names)
    {
        var values = new JsonElement?[names.Length];
        foreach (var property in obj.EnumerateObject())
        {
            var index = Array.IndexOf(names, property.Name);
            if (index < 0)
            {
                continue; // unknown properties are ignored so clients may send extensions
            }

            if (values[index] is not null)
            {
                var full = path is null ? property.Name : $"{path}.{property.Name}";
                throw new GuardValidationException(
                    GuardErrorCodes.DuplicateProperty, $"Property '{full}' appears more than once.", full);
            }

            values[index] = property.Value;
        }

        return values;
    }

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
                GuardErrorCodes.InvalidCharacter, $"'{path}' contains an invalid escape: {ex.Message}", path);
        }
    }
}
