using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class GuardIdsTests
{
    [Theory]
    [InlineData("acme", true)]
    [InlineData("a", true)]
    [InlineData("a_b-9", true)]
    [InlineData("acme\n", false)]
    [InlineData("acme\r\n", false)]
    [InlineData("\nacme", false)]
    [InlineData("ac\nme", false)]
    [InlineData("Acme", false)]
    [InlineData("-acme", false)]
    [InlineData("ac.me", false)]
    [InlineData("ac~me", false)]
    [InlineData("ac/me", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TenantIds(string? id, bool valid) => Assert.Equal(valid, GuardIds.IsTenantId(id));

    [Theory]
    [InlineData("c1", true)]
    [InlineData("A.b_c:d-e", true)]
    [InlineData("c1\n", false)]
    [InlineData("m2\n", false)]
    [InlineData("c1\r", false)]
    [InlineData("c1\0", false)]
    [InlineData("../c1", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void ConversationAndMessageIds(string id, bool valid)
    {
        Assert.Equal(valid, GuardIds.IsConversationId(id));
        Assert.Equal(valid, GuardIds.IsMessageId(id));
    }

    [Fact]
    public void IdsUpTo128CharactersOnly()
    {
        Assert.True(GuardIds.IsConversationId(new string('a', 128)));
        Assert.False(GuardIds.IsConversationId(new string('a', 129)));
        Assert.False(GuardIds.IsConversationId(new string('a', 128) + "\n"));
        Assert.True(GuardIds.IsTenantId(new string('a', 63)));
        Assert.False(GuardIds.IsTenantId(new string('a', 63) + "\n"));
    }

    [Fact]
    public void IssuedKeysCarryTheirTenantAndRefuseBadIds()
    {
        var key = GuardKeys.IssueTenantKey("acme");
        Assert.True(GuardKeys.TryGetTenantId(key, out var id));
        Assert.Equal("acme", id);
        Assert.Throws<ArgumentException>(() => GuardKeys.IssueTenantKey("acme\n"));
        Assert.False(GuardKeys.TryGetTenantId("gck.acme\n.secret", out _));
    }
}
