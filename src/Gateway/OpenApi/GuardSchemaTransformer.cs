using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using GuardCluster.Gateway.Models;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// Makes schemas say what the wire really carries: placeholder types become their unions, request types whose
/// parser refuses unknown fields get <c>additionalProperties: false</c>, verdict answers list every field as
/// required (all are always written), and a property declared non-nullable loses the <c>null</c> the generator
/// adds to reference types it cannot see annotations for (plain get-only properties).
/// </summary>
internal sealed class GuardSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (UnionSchemas.TryWrite(type, schema))
        {
            return Task.CompletedTask;
        }

        // Enums are written as strings (JsonStringEnumConverter); say so, the generator leaves the type out.
        if (type.IsEnum && schema.Enum is { Count: > 0 } && schema.Type is null)
        {
            schema.Type = JsonSchemaType.String;
        }

        if (type.GetCustomAttribute<ClosedSchemaAttribute>() is not null)
        {
            schema.AdditionalPropertiesAllowed = false;
        }

        if (typeof(VerdictBody).IsAssignableFrom(type) && schema.Properties is { Count: > 0 } properties)
        {
            schema.Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal);
        }

        if (context.JsonPropertyInfo is { } property && IsDeclaredNonNullable(property) && schema.Type is { } schemaType)
        {
            schema.Type = schemaType & ~JsonSchemaType.Null;
        }

        return Task.CompletedTask;
    }

    private static bool IsDeclaredNonNullable(JsonPropertyInfo property)
    {
        if (property.PropertyType.IsValueType)
        {
            return Nullable.GetUnderlyingType(property.PropertyType) is null;
        }

        var nullability = new NullabilityInfoContext();
        return property.AttributeProvider switch
        {
            PropertyInfo info => nullability.Create(info).ReadState == NullabilityState.NotNull,
            FieldInfo info => nullability.Create(info).ReadState == NullabilityState.NotNull,
            _ => false,
        };
    }
}
