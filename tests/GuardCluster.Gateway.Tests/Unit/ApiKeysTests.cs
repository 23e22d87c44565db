using System.Security.Cryptography;
using System.Text;
using GuardCluster.Gateway.Auth;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class ApiKeysTests
{
    [Theory]
    [InlineData("gck.acme.s3cr3t", "acme")]
    [InlineData("gck.a_b-9.x.y", "a_b-9")]
    public void ReadsTenantFromWellFormedKeys(string key, string tenant)
    {
        Assert.True(GuardKeys.TryGetTenantId(key, out var id));
        Assert.Equal(tenant, id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acme.secret")]
    [InlineData("gck.acme")]
    [InlineData("gck.acme.")]
    [InlineData("gck..secret")]
    [InlineData("gck.ACME.secret")]
    [InlineData("gck.-acme.secret")]
    [InlineData("GCK.acme.secret")]
    public void RejectsMalformedKeys(string? key) => Assert.False(GuardKeys.TryGetTenantId(key, out _));

    [Fact]
    public void RejectsOverlongKeys() =>
        Assert.False(GuardKeys.TryGetTenantId("gck.acme." + new string('x', GuardKeys.MaxTenantKeyLength), out _));

    [Fact]
    public void HashIsLowerHexSha256OfTheWholeKey()
    {
        const string Key = "gck.acme.secret";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
        Assert.Equal(expected, GuardKeys.Hash(Key));
    }

    [Fact]
    public void MatchesAnyStoredHashCaseInsensitively()
    {
        const string Key = "gck.acme.secret";
        var hash = GuardKeys.Hash(Key);
        Assert.True(ApiKeys.MatchesAny(Key, ["00", hash]));
        Assert.True(ApiKeys.MatchesAny(Key, [hash.ToUpperInvariant()]));
        Assert.False(ApiKeys.MatchesAny(Key, []));
        Assert.False(ApiKeys.MatchesAny("gck.acme.other", [hash]));
    }

    [Fact]
    public void SecretEqualsComparesExactly()
    {
        Assert.True(ApiKeys.SecretEquals("admin-key", "admin-key"));
        Assert.False(ApiKeys.SecretEquals("admin-key", "admin-ke"));
        Assert.False(ApiKeys.SecretEquals("Admin-key", "admin-key"));
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer   abc  ", "abc")]
    [InlineData("Basic abc", null)]
    [InlineData("Bearer ", null)]
    [InlineData(null, null)]
    public void ReadsBearerTokens(string? header, string? expected) => Assert.Equal(expected, ApiKeys.ReadBearer(header));
}
