using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Gateway.Errors;

namespace GuardCluster.Gateway.Quotas;

/// <summary>
/// Reads a limits object (<c>{"requests_per_minute":…, …}</c>, names from <see cref="TenantLimitFields"/>): each
/// value an integer from 1 to the field's cap, or null to unset it (0 internally: the level above applies).
/// Unknown names are refused, so a misspelt limit is never silently ignored.
/// </summary>
public static class LimitsJson
{
    /// <param name="current">Values for absent fields (the tenant's PATCH-like policy update keeps them).</param>
    public static TenantLimits Parse(JsonElement limits, TenantLimits current, string path)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (limits.ValueKind != JsonValueKind.Object)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, $"'{path}' must be an object.", path);
        }

        var result = current;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in limits.EnumerateObject())
        {
            var fieldPath = path == "$" ? property.Name : $"{path}.{property.Name}";
            var field = TenantLimitFields.Find(property.Name) ?? throw new GatewayProblemException(
                422,
                GuardErrorCodes.UnknownField,
                $"'{fieldPath}' is not a limit; known limits: {string.Join(", ", TenantLimitFields.All.Select(f => f.Name))}.",
                fieldPath);
            if (!seen.Add(property.Name))
            {
                throw new GuardValidationException(GuardErrorCodes.DuplicateProperty, $"Property '{fieldPath}' appears more than once.", fieldPath);
            }

            result = field.Set(result, Value(property.Value, field, fieldPath));
        }

        return result;
    }

    private static int Value(JsonElement value, TenantLimitField field, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, $"'{path}' must be an integer or null.", path);
        }

        if (number < 1 || number > field.Cap)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidLimit, $"'{path}' must be an integer from 1 to {field.Cap}, or null.", path);
        }

        return (int)number;
    }
}
