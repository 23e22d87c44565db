using System.Text.Json;
using GuardCluster.Core;
using GuardCluster.Gateway.Errors;
using Microsoft.AspNetCore.Http.Features;
using GuardCluster.Core.Serialization;

namespace GuardCluster.Gateway.Http;

/// <summary>
/// Reads a request body as a <see cref="JsonDocument"/>. Handlers parse elements with Core's strict readers
/// instead of model binding, so every shape error carries a stable code and a JSON path.
/// </summary>
public static class JsonBody
{
    public static async Task<JsonDocument> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Kestrel's server-wide limit may be larger in a co-hosting silo; tighten it for this request.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength > maxBytes)
        {
            throw new GatewayProblemException(413, GuardErrorCodes.BodyTooLarge, $"The request body exceeds {maxBytes} bytes.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, JsonFields.DocumentOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new GuardValidationException(
                GuardErrorCodes.MalformedJson,
                $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).");
        }

        try
        {
            // Names are checked like values, once, so no handler can trip over a lone surrogate later.
            JsonFields.ValidateText(document.RootElement);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Refuses any property of <paramref name="obj"/> not in <paramref name="names"/> (400 <c>unknown_field</c>).</summary>
    public static void AllowOnly(JsonElement obj, string? parentPath, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var property in obj.EnumerateObject())
        {
            var name = JsonFields.Name(property, parentPath);
            if (Array.IndexOf(names, name) < 0)
            {
                throw JsonFields.Unknown(parentPath is null or "$" ? name : $"{parentPath}.{name}", names);
            }
        }
    }

    /// <summary>The root must be an object; anything else is a shape error.</summary>
    public static JsonElement RequireObject(JsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, "The body must be a JSON object.", "$");
        }

        return root;
    }

    /// <summary>The named property, or null when absent or JSON null. Duplicates are rejected like in Core.</summary>
    public static JsonElement? Optional(JsonElement obj, string name, string? parentPath = null)
    {
        JsonElement? found = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (!property.NameEquals(name))
            {
                continue;
            }

            var path = parentPath is null ? name : $"{parentPath}.{name}";
            if (found is not null)
            {
                throw new GuardValidationException(GuardErrorCodes.DuplicateProperty, $"Property '{path}' appears more than once.", path);
            }

            found = property.Value;
        }

        return found is { ValueKind: JsonValueKind.Null } ? null : found;
    }

    public static JsonElement Required(JsonElement obj, string name, string? parentPath = null) =>
        Optional(obj, name, parentPath) ?? throw new GuardValidationException(
            GuardErrorCodes.MissingField,
            $"The required field '{name}' is missing.",
            parentPath is null ? name : $"{parentPath}.{name}");

    public static string RequireString(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, $"'{path}' must be a string.", path);
        }

        try
        {
            return element.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidCharacter, $"'{path}' contains an invalid escape.", path);
        }
    }
}
