using System.Text.Json;
using GuardCluster.Core;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Http;

namespace GuardCluster.Gateway.Moderation;

/// <summary>
/// Reads an OpenAI moderation body. <c>input</c> is what OpenAI accepts: a string (one input), an array of strings
/// (one input each), or an array of content parts (one input whose <c>text</c> parts are judged together, joined by
/// newlines). <c>image_url</c> parts are refused (400 <c>image_not_supported</c>, naming the part): Llama Guard 3-1B
/// reads text only. Arrays mixing strings and parts, and any other kind, are 400 <c>invalid_type</c>.
/// <c>model</c> must be a string if present and is otherwise ignored: the answer names the model that judged.
/// </summary>
public static class ModerationInput
{
    public const string TextPart = "text";
    public const string ImagePart = "image_url";

    public sealed record Parsed(IReadOnlyList<ModerationItem> Inputs, string? Model);

    public static Parsed Parse(JsonElement root, int maxInputs)
    {
        JsonBody.AllowOnly(root, null, "input", "model");
        string? model = null;
        if (JsonBody.Optional(root, "model") is { } modelElement)
        {
            model = JsonBody.RequireString(modelElement, "model");
        }

        var input = JsonBody.Required(root, "input");
        if (input.ValueKind == JsonValueKind.String)
        {
            return new Parsed([new ModerationItem(JsonBody.RequireString(input, "input"), "input", null)], model);
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw WrongType("input", "'input' must be a string, an array of strings or an array of content parts.");
        }

        var count = input.GetArrayLength();
        if (count == 0)
        {
            throw new GatewayProblemException(400, GuardErrorCodes.EmptyInput, "'input' must contain at least one item.", "input");
        }

        return input[0].ValueKind == JsonValueKind.Object
            ? new Parsed([ReadParts(input)], model)
            : new Parsed(ReadStrings(input, count, maxInputs), model);
    }

    private static List<ModerationItem> ReadStrings(JsonElement input, int count, int maxInputs)
    {
        if (count > maxInputs)
        {
            throw new GatewayProblemException(413, GuardErrorCodes.TooManyInputs, $"At most {maxInputs} inputs are allowed per request; got {count}.", "input");
        }

        var items = new List<ModerationItem>(count);
        foreach (var item in input.EnumerateArray())
        {
            var path = $"input[{items.Count}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                throw WrongType(path, $"'{path}' is a content part in an array of strings: use all strings or all content parts.");
            }

            if (item.ValueKind != JsonValueKind.String)
            {
                throw WrongType(path, $"'{path}' must be a string.");
            }

            items.Add(new ModerationItem(JsonBody.RequireString(item, path), path, items.Count));
        }

        return items;
    }

    /// <summary>An array of content parts is one input (OpenAI answers it with one result).</summary>
    private static ModerationItem ReadParts(JsonElement input)
    {
        var texts = new List<string>();
        var index = 0;
        foreach (var part in input.EnumerateArray())
        {
            var path = $"input[{index++}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, $"'{path}' must be a content part object: use all strings or all content parts.");
            }

            JsonBody.AllowOnly(part, path, "type", TextPart, ImagePart);
            var type = JsonBody.RequireString(JsonBody.Required(part, "type", path), $"{path}.type");
            switch (type)
            {
                case TextPart:
                    texts.Add(JsonBody.RequireString(JsonBody.Required(part, TextPart, path), $"{path}.{TextPart}"));
                    break;
                case ImagePart:
                    throw new GatewayProblemException(
                        400, GuardErrorCodes.ImageNotSupported, $"'{path}' is an image: Llama Guard 3-1B classifies text only, so images are not supported.", path);
                default:
                    throw new GatewayProblemException(
                        400, GuardErrorCodes.UnsupportedContentPart, $"'{path}.type' must be '{TextPart}' (or '{ImagePart}', which this model does not support).", $"{path}.type");
            }
        }

        return new ModerationItem(string.Join('\n', texts), "input", null);
    }

    private static GatewayProblemException WrongType(string path, string message) =>
        new(400, GuardErrorCodes.InvalidType, message, path);
}
