using System.Security.Cryptography;
using System.Text;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Auth;

/// <summary>
/// The API host's side of key checks. The key format (and reading the tenant id out of a key) lives in
/// <see cref="GuardKeys"/>; a key is checked by comparing its SHA-256 with the stored hashes in fixed time.
/// </summary>
public static class ApiKeys
{
    /// <summary>
    /// True when the key's hash equals one of <paramref name="keyHashes"/>. Every stored hash is compared in
    /// fixed time and none is skipped, so timing reveals neither which hash matched nor how much of it.
    /// </summary>
    public static bool MatchesAny(string apiKey, IReadOnlyList<string> keyHashes)
    {
        ArgumentNullException.ThrowIfNull(keyHashes);
        var actual = Encoding.ASCII.GetBytes(GuardKeys.Hash(apiKey));
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
