using System.Globalization;
using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Core.Serialization;
using GuardCluster.Gateway.Http;
using GuardCluster.Gateway.Quotas;
using Microsoft.Extensions.Primitives;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// Reads a <c>PUT /v1/policy</c> body into a <see cref="PolicyPatch"/> (shape only). The tenant grain merges it into
/// the stored policy and validates the result in one turn. Each present field replaces its part; absent fields keep
/// theirs. New categories drop the old exclusions unless <c>excluded_category_keys</c> is given with them.
/// <c>"threshold": null</c> clears the threshold. Any other field is refused (<c>unknown_field</c>), except
/// <c>version</c>: the version the update is based on, checked like <c>If-Match</c>.
/// </summary>
public static class PolicyUpdate
{
    public const string LimitsProperty = "limits";
    public const string VersionProperty = "version";
    public const string AuditProperty = "audit";
    public const string StoreContentProperty = "store_content";
    public const string RetentionDaysProperty = "retention_days";

    private static readonly string[] Fields =
    [
        GuardInputJson.CategoriesProperty, GuardInputJson.ExcludedProperty, GuardInputJson.ThresholdProperty, LimitsProperty, VersionProperty, AuditProperty,
    ];

    public sealed record Parsed(PolicyPatch Patch, int? Version);

    /// <param name="root">The body.</param>
    /// <param name="maxRetentionDays">The operator's cap on <c>audit.retention_days</c> (<c>Guard:Audit:MaxRetentionDays</c>).</param>
    public static Parsed Parse(JsonElement root, int maxRetentionDays = Audit.AuditOptions.DefaultMaxRetentionDays)
    {
        JsonBody.AllowOnly(root, null, Fields);
        var categories = JsonBody.Optional(root, GuardInputJson.CategoriesProperty);
        var excluded = JsonBody.Optional(root, GuardInputJson.ExcludedProperty);
        var hasThreshold = root.TryGetProperty(GuardInputJson.ThresholdProperty, out _);
        var threshold = JsonBody.Optional(root, GuardInputJson.ThresholdProperty);
        var limits = JsonBody.Optional(root, LimitsProperty);
        var version = JsonBody.Optional(root, VersionProperty);
        var (storeContent, retentionDays) = JsonBody.Optional(root, AuditProperty) is { } a ? ParseAudit(a, maxRetentionDays) : (null, null);

        var parsedCategories = categories is { } c ? GuardInputJson.ParseCategories(c) : null;
        var patch = new PolicyPatch
        {
            CategoryCodes = parsedCategories?.Select(x => x.Code).ToArray(),
            CategoryTexts = parsedCategories?.Select(x => x.Text).ToArray(),
            CategoryDescriptions = parsedCategories is not null && parsedCategories.Any(x => x.Description is not null)
                ? [.. parsedCategories.Select(x => x.Description)]
                : null,
            ExcludedCodes = excluded is { } e ? [.. GuardInputJson.ParseExcludedCodes(e)] : null,
            SetsThreshold = hasThreshold,
            Threshold = threshold is { } t ? GuardInputJson.ParseThreshold(t) : null,
            Limits = limits is { } l ? LimitsJson.ParseNamed(l, LimitsProperty) : null,
            AuditStoreContent = storeContent,
            AuditRetentionDays = retentionDays,
        };
        return new Parsed(patch, version is { } v ? ParseVersion(v) : null);
    }

    /// <summary><c>"audit": {"store_content": bool, "retention_days": 1..cap}</c>; each field optional.</summary>
    private static (bool? StoreContent, int? RetentionDays) ParseAudit(JsonElement audit, int maxRetentionDays)
    {
        if (audit.ValueKind != JsonValueKind.Object)
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidType, "'audit' must be an object.", AuditProperty);
        }

        JsonBody.AllowOnly(audit, AuditProperty, StoreContentProperty, RetentionDaysProperty);
        bool? storeContent = null;
        if (JsonBody.Optional(audit, StoreContentProperty, AuditProperty) is { } store)
        {
            storeContent = store.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new GuardValidationException(GuardErrorCodes.InvalidType, "'audit.store_content' must be true or false.", $"{AuditProperty}.{StoreContentProperty}"),
            };
        }

        int? retentionDays = null;
        if (JsonBody.Optional(audit, RetentionDaysProperty, AuditProperty) is { } days)
        {
            if (days.ValueKind != JsonValueKind.Number)
            {
                throw new GuardValidationException(GuardErrorCodes.InvalidType, "'audit.retention_days' must be an integer.", $"{AuditProperty}.{RetentionDaysProperty}");
            }

            if (!days.TryGetInt32(out var value) || value < 1 || value > maxRetentionDays)
            {
                throw new Errors.GatewayProblemException(
                    422, GuardErrorCodes.InvalidRetentionDays, $"'audit.retention_days' must be a whole number of days from 1 to {maxRetentionDays} (the operator's cap).", $"{AuditProperty}.{RetentionDaysProperty}");
            }

            retentionDays = value;
        }

        return (storeContent, retentionDays);
    }

    /// <summary>The policy's entity tag: its version, quoted.</summary>
    /// <summary>
    /// Reads a policy update from <paramref name="request"/> and stores it on <paramref name="tenantId"/>'s grain
    /// (conditional on <c>If-Match</c> or <c>version</c>), sets the <c>ETag</c>, and returns the stored policy. The
    /// tenant's own <c>PUT /v1/policy</c> and the admin's <c>PUT /v1/tenants/{id}/policy</c> share it.
    /// </summary>
    public static async Task<TenantPolicy> StoreAsync(
        string tenantId, HttpRequest request, IGrainFactory grains, Tenants.TenantDirectory directory, long maxBodyBytes, int maxRetentionDays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(directory);
        using var body = await JsonBody.ReadAsync(request, maxBodyBytes, cancellationToken);
        var parsed = Parse(JsonBody.RequireObject(body), maxRetentionDays);
        var ifVersions = AcceptedVersions(request.Headers.IfMatch, parsed.Version);
        try
        {
            var stored = await grains.GetGrain<Contracts.Grains.ITenantGrain>(tenantId).UpdatePolicyAsync(parsed.Patch, ifVersions);
            request.HttpContext.Response.Headers[Microsoft.Net.Http.Headers.HeaderNames.ETag] = ETag(stored.Version);
            return stored;
        }
        finally
        {
            // Even a failed write may have landed; never keep serving a policy this host knows is being replaced.
            directory.Invalidate(tenantId);
        }
    }

    public static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The versions an update may apply to: null when unconditional; those named by <c>If-Match</c> (<c>*</c> = any)
    /// and by the body's <c>version</c> (both must agree). A tag that is not a quoted version matches nothing.
    /// </summary>
    public static int[]? AcceptedVersions(StringValues ifMatch, int? bodyVersion)
    {
        int[]? accepted = null;
        var tags = ifMatch.SelectMany(h => (h ?? string.Empty).Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();
        if (ifMatch.Count > 0 && !tags.Contains("*"))
        {
            accepted = [.. tags.Select(TagVersion).Where(v => v is not null).Select(v => v!.Value)];
        }

        if (bodyVersion is { } version)
        {
            accepted = accepted is null || accepted.Contains(version) ? [version] : [];
        }

        return accepted;
    }

    private static int? TagVersion(string tag)
    {
        var value = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
        return value.Length > 2 && value[0] == '"' && value[^1] == '"'
            && int.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    private static int ParseVersion(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var version) && version > 0
            ? version
            : throw new GuardValidationException(GuardErrorCodes.InvalidType, "'version' must be a positive integer (the policy version this update is based on).", VersionProperty);
}
