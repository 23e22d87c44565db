using System.Text.Json;

namespace GuardCluster.Gateway.Tests.Interop;

/// <summary>Navigation in a fetched OpenAPI document: operations by id, <c>$ref</c> resolution, schema property names.</summary>
internal sealed class OpenApiDocument(JsonElement root)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public JsonElement Root { get; } = root;

    /// <summary>Every operation as (method, path, operation object).</summary>
    public IEnumerable<(string Method, string Path, JsonElement Operation)> Operations()
    {
        foreach (var path in Root.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                yield return (method.Name, path.Name, method.Value);
            }
        }
    }

    public JsonElement Operation(string operationId) =>
        Operations().Single(o => o.Operation.TryGetProperty("operationId", out var id) && id.GetString() == operationId).Operation;

    public JsonElement Schema(string name) => Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>Follows <c>$ref</c> (also inside a <c>oneOf</c> with <c>null</c>) to the named schema; the schema itself otherwise.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Schema(RefName(reference));
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var refs = oneOf.EnumerateArray().Where(s => s.TryGetProperty("$ref", out _)).ToArray();
            if (refs.Length == 1 && oneOf.GetArrayLength() == 2)
            {
                return Resolve(refs[0]);
            }
        }

        return schema;
    }

    public static string RefName(JsonElement reference) => reference.GetString()!.Split('/')[^1];

    /// <summary>The <c>$ref</c> name of a media type's schema.</summary>
    public static string SchemaRef(JsonElement content, string mediaType) =>
        RefName(content.GetProperty(mediaType).GetProperty("schema").GetProperty("$ref"));

    public static string[] Names(JsonElement objectSchema, string keyword) =>
        objectSchema.TryGetProperty(keyword, out var value)
            ? keyword == "required" ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [.. value.EnumerateObject().Select(p => p.Name)]
            : [];
}
