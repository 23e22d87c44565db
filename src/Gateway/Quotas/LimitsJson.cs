using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Core.Serialization;

namespace GuardCluster.Gateway.Quotas;

/// <summary>
/// Reads a limits object (<c>{"requests_per_minute":…, …}</c>, names from <see cref="TenantLimitFields"/>): each
/// value an integer from 1 to the field's cap, or null to unset it (0 internally: the level above applies).
/// Unknown names are refused, so a misspelt limit is never silently ignored.
/// </summary>
public static class LimitsJson
{
    /// <param name="limits">The limits object.</param>
    /// <param name="current">Values for absent fields.</param>
    /// <param name="path">Its JSON path, for error messages.</param>
    public static TenantLimits Parse(JsonElement limits, TenantLimits current, string path)
    {
        ArgumentNullException.ThrowIfNull(current);
        var result = current;
        foreach (var (name, value) in ParseNamed(limits, path))
        {
            result = TenantLimitFields.Find(name)!.Set(result, value);
        }

        return result;
    }

    /// <summary>Only the limits present, by name (0 = null, unset), for a merge done elsewhere (the tenant grain).</summary>
    public static Dictionary<string, int> ParseNamed(JsonElement limits, string path)
    {
        if (limits.ValueKind != JsonValueKind.Object)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, $"'{path}' must be an object.", path);
        }

        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in limits.EnumerateObject())
        {
            var name = JsonFields.Name(property, path);
            var fieldPath = path == "$" ? name : $"{path}.{name}";
            var field = TenantLimitFields.Find(name) ?? throw JsonFields.Unknown(fieldPath, TenantLimitFields.All.Select(f => f.Name));
            if (result.ContainsKey(name))
            {
                throw new GuardValidationException(GuardErrorCodes.DuplicateProperty, $"Property '{fieldPath}' appears more than once.", fieldPath);
            }

            result[name] = Value(property.Value, field, fieldPath);
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
