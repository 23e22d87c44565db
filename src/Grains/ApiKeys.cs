using System.Security.Cryptography;
using System.Text;

namespace GuardCluster.Grains;

/// <summary>
/// Tenant API keys: <c>gck.&lt;tenant&gt;.&lt;secret&gt;</c>. The tenant id in the key lets a gateway find the tenant
/// without a global index; only the SHA-256 of the whole key is stored.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "gck.";

    public static string Issue(string tenantId)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Prefix}{tenantId}.{secret}";
    }

    public static string Hash(string apiKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
}
