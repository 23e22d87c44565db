using System.Security.Cryptography;
using System.Text;
using GuardCluster.Gateway.Http;

namespace GuardCluster.Gateway.Auth;

/// <summary>
/// Tenant API keys look like <c>gck.&lt;tenant&gt;.&lt;secret&gt;</c>. The tenant id is read from the key so the
/// gateway needs no global key index; the key itself is checked by comparing its SHA-256 with the stored hashes.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "gck.";

    /// <summary>Keys are short; a bound stops a huge header from costing a hash.</summary>
    public const int MaxLength = 512;

    /// <summary>Reads the tenant id out of a well-formed key; false for anything else (then: 401).</summary>
    public static bool TryGetTenantId(string? apiKey, out string tenantId)
    {
        tenantId = string.Empty;
        if (apiKey is null || apiKey.Length > MaxLength || !apiKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = apiKey.AsSpan(Prefix.Length);
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

    /// <summary>Lower-case hex SHA-256 of the UTF-8 key, the form the tenant grain stores.</summary>
    public static string Hash(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
    }

    /// <summary>
    /// True when the key's hash equals one of <paramref name="keyHashes"/>. Every stored hash is compared in
    /// fixed time and none is skipped, so timing reveals neither which hash matched nor how much of it.
    /// </summary>
    public static bool MatchesAny(string apiKey, IReadOnlyList<string> keyHashes)
    {
        ArgumentNullException.ThrowIfNull(keyHashes);
        var actual = Encoding.ASCII.GetBytes(Hash(apiKey));
        var matched = false;
        foreach (var stored in keyHashes)
        {
            var expected = Encoding.ASCII.GetBytes(stored.ToLowerInvariant());
            matched |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return matched;
    }

    /// <summary>Fixed-time equality of two secrets of any length (both are hashed first, so lengths do not leak).</summary>
    public static bool SecretEquals(string presented, string expected)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(expected);
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> header (scheme case-insensitive), or null.</summary>
    public static string? ReadBearer(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
