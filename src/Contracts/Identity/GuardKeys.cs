using System.Security.Cryptography;
using System.Text;

namespace GuardCluster.Contracts.Identity;

/// <summary>
/// The one home of key formats. Tenant API keys look like <c>gck.&lt;tenant&gt;.&lt;secret&gt;</c>: the tenant id is
/// read from the key, so an API host needs no global key index; only the SHA-256 of the whole key is stored.
/// The secret is 32 random bytes in unpadded base64url.
/// </summary>
public static class GuardKeys
{
    public const string TenantKeyPrefix = "gck.";

    /// <summary>Keys are short; a bound stops a huge header from costing a hash or a lookup.</summary>
    public const int MaxTenantKeyLength = 512;

    /// <summary>The shortest admin key (<c>Guard:AdminKey</c>) a silo or gateway starts with.</summary>
    public const int MinAdminKeyLength = 16;

    public static string IssueTenantKey(string tenantId)
    {
        if (!GuardIds.IsTenantId(tenantId))
        {
            throw new ArgumentException(GuardIds.TenantIdRule, nameof(tenantId));
        }

        return $"{TenantKeyPrefix}{tenantId}.{Base64Url(RandomNumberGenerator.GetBytes(32))}";
    }

    /// <summary>
    /// Reads the tenant id out of a well-formed tenant key; false for anything else (then: 401). The secret is not
    /// checked here: only its hash is compared, in fixed time.
    /// </summary>
    public static bool TryGetTenantId(string? apiKey, out string tenantId)
    {
        tenantId = string.Empty;
        if (apiKey is null || apiKey.Length > MaxTenantKeyLength || !apiKey.StartsWith(TenantKeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = apiKey.AsSpan(TenantKeyPrefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || dot == rest.Length - 1)
        {
            return false;
        }

        var id = rest[..dot].ToString();
        if (!GuardIds.IsTenantId(id))
        {
            return false;
        }

        tenantId = id;
        return true;
    }

    /// <summary>True when <paramref name="adminKey"/> is long enough to be accepted as <c>Guard:AdminKey</c>.</summary>
    public static bool IsAcceptableAdminKey(string? adminKey) =>
        !string.IsNullOrWhiteSpace(adminKey) && adminKey.Length >= MinAdminKeyLength;

    /// <summary>Lower-case hex SHA-256 of the UTF-8 key, the form the tenant grain stores.</summary>
    public static string Hash(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
