using System.Text.Json.Nodes;
using GuardCluster.Gateway.Models;
using Microsoft.OpenApi;

namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// The <c>oneOf</c> schemas of the placeholder types among the documentation models (<see cref="MessageContent"/>,
/// <see cref="CategoriesInput"/>, <see cref="ModerationInputValue"/>), matching what the strict parsers accept.
/// </summary>
public static class UnionSchemas
{
    /// <summary>Rewrites <paramref name="schema"/> as the union <paramref name="type"/> stands for; false when it is not a placeholder.</summary>
    public static bool TryWrite(Type type, OpenApiSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        List<IOpenApiSchema>? shapes = type switch
        {
            _ when type == typeof(MessageContent) => [String(), ArrayOf(TextPart())],
            _ when type == typeof(CategoriesInput) => [CategoryMap(), ArrayOf(CategoryItem())],
            _ when type == typeof(ModerationInputValue) => [String(), ArrayOf(String()), ArrayOf(new OpenApiSchema { OneOf = [TextPart(), ImageUrlPart()] })],
            _ => null,
        };
        if (shapes is null)
        {
            return false;
        }

        schema.Type = null;
        schema.Properties = null;
        schema.Required = null;
        schema.OneOf = shapes;
        return true;
    }

    private static OpenApiSchema String() => new() { Type = JsonSchemaType.String };

    private static OpenApiSchema ArrayOf(OpenApiSchema items) => new() { Type = JsonSchemaType.Array, Items = items };

    private static OpenApiSchema Closed(Dictionary<string, IOpenApiSchema> properties, params string[] required) => new()
    {
        Type = JsonSchemaType.Object,
        Properties = properties,
        Required = new HashSet<string>(required, StringComparer.Ordinal),
        AdditionalPropertiesAllowed = false,
    };

    private static OpenApiSchema Literal(string value) => new() { Type = JsonSchemaType.String, Enum = [JsonValue.Create(value)] };

    private static OpenApiSchema TextPart() => Closed(new() { ["type"] = Literal("text"), ["text"] = String() }, "type", "text");

    private static OpenApiSchema ImageUrlPart() => Closed(
        new()
        {
            ["type"] = Literal("image_url"),
            ["image_url"] = Closed(new() { ["url"] = String() }, "url"),
        },
        "type",
        "image_url");

    private static OpenApiSchema OptionalString() => new() { Type = JsonSchemaType.String | JsonSchemaType.Null };

    private static OpenApiSchema CategoryMap() => new()
    {
        Type = JsonSchemaType.Object,
        AdditionalProperties = new OpenApiSchema
        {
            OneOf = [String(), Closed(new() { ["name"] = String(), ["description"] = OptionalString() }, "name")],
        },
    };

    private static OpenApiSchema CategoryItem() =>
        Closed(new() { ["code"] = String(), ["name"] = String(), ["description"] = OptionalString() }, "code", "name");
}
