using System.Text.Json;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Http;
using GuardCluster.Core;

namespace GuardCluster.Gateway.Moderation;

/// <summary>
/// Reads an OpenAI moderation body. <c>input</c> must be a string or a non-empty array of strings; anything
/// else (numbers, objects, <c>image_url</c> parts) is a wrong type for this text-only endpoint, answered 400
/// like OpenAI's <c>invalid_request_error</c>. <c>model</c> is any string and only echoed.
/// </summary>
public static class ModerationInput
{
    public sealed record Parsed(IReadOnlyList<string> Inputs, string? Model, bool IsArray);

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
            return new Parsed([JsonBody.RequireString(input, "input")], model, false);
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw new GatewayProblemException(400, GuardErrorCodes.InvalidType, "'input' must be a string or an array of strings.", "input");
        }

        var count = input.GetArrayLength();
        if (count == 0)
        {
            throw new GatewayProblemException(400, GuardErrorCodes.EmptyInput, "'input' must contain at least one string.", "input");
        }

        if (count > maxInputs)
        {
            throw new GatewayProblemException(413, GuardErrorCodes.TooManyInputs, $"At most {maxInputs} inputs are allowed per request; got {count}.", "input");
        }

        var texts = new List<string>(count);
        foreach (var item in input.EnumerateArray())
        {
            var path = $"input[{texts.Count}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                throw new GatewayProblemException(
                    400, GuardErrorCodes.ImageNotSupported, "Only text inputs are supported: Llama Guard 3-1B classifies text only.", path);
            }

            if (item.ValueKind != JsonValueKind.String)
            {
                throw new GatewayProblemException(400, GuardErrorCodes.InvalidType, $"'{path}' must be a string.", path);
            }

            texts.Add(JsonBody.RequireString(item, path));
        }

        return new Parsed(texts, model, true);
    }
}
