using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Grains;
using Microsoft.Data.Sqlite;

namespace GuardCluster.Cluster.Tests;

/// <summary>What a tenant owns: its conversations are indexed, counted against its quota and deleted with it.</summary>
public sealed class TenantOwnershipTests(ThreeModelSilosFixture fixture) : IClassFixture<ThreeModelSilosFixture>
{
    private static string NewTenantId() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Deleting_a_tenant_leaves_nothing_of_it_in_storage()
    {
        var id = NewTenantId();
        var tenant = fixture.Client.GetGrain<ITenantGrain>(id);
        await tenant.CreateAsync();
        var snapshot = (await tenant.GetAsync())!;
        foreach (var conversation in new[] { "a", "b", "c" })
        {
            await fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For(snapshot.ConversationScope, conversation))
                .AppendAsync(Requests.UserTurn("hello"), EffectivePolicy(snapshot));
        }

        var index = fixture.Client.GetGrain<IConversationIndexGrain>(snapshot.ConversationScope);
        Assert.Equal(3, (await index.ListAsync(10, null)).Total);
        Assert.True(await StoredRowsAsync(id) >= 5, "tenant, index and three conversations are stored");

        Assert.True(await tenant.DeleteAsync());

        Assert.Equal(0, await StoredRowsAsync(id));
        Assert.Null(await fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For(snapshot.ConversationScope, "a")).GetAsync());
        Assert.Equal(0, await StoredRowsAsync(id));
    }

    [Fact]
    public async Task A_conversation_beyond_the_quota_is_refused_and_not_stored()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        await tenant.CreateAsync();
        var snapshot = await tenant.SetQuotasAsync(TenantLimits.None with { MaxConversations = 1 });
        var policy = EffectivePolicy(snapshot);

        await fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For(snapshot.ConversationScope, "one")).AppendAsync(Requests.UserTurn("hello"), policy);
        var refused = await Assert.ThrowsAsync<GuardRejectedException>(() =>
            fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For(snapshot.ConversationScope, "two")).AppendAsync(Requests.UserTurn("hello"), policy));

        Assert.Equal("quota_exceeded", refused.Code);
        Assert.Equal(RejectionKind.QuotaExceeded, refused.Kind);
        Assert.Null(await fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For(snapshot.ConversationScope, "two")).GetAsync());
        Assert.Equal(["one"], (await fixture.Client.GetGrain<IConversationIndexGrain>(snapshot.ConversationScope).ListAsync(10, null)).Items.Select(e => e.Id));
    }

    [Fact]
    public async Task Reading_or_deleting_conversations_that_do_not_exist_leaves_no_activations()
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        async Task<int> ConversationActivations() => (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(ConversationGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
        var before = await ConversationActivations();

        for (var i = 0; i < 20; i++)
        {
            var grain = fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For("ghost~x", Guid.NewGuid().ToString("N")));
            Assert.Null(await grain.GetAsync());
            Assert.False(await grain.DeleteAsync());
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await ConversationActivations() > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(await ConversationActivations() <= before, $"{await ConversationActivations()} conversation activations, {before} before");
    }

    [Fact]
    public async Task Tenant_limits_above_the_quota_are_refused()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        await tenant.CreateAsync();
        await tenant.SetQuotasAsync(TenantLimits.None with { MaxTurns = 10 });

        var above = await Assert.ThrowsAsync<GuardRejectedException>(() =>
            tenant.SetPolicyAsync(TenantPolicy.Initial with { Limits = TenantLimits.None with { MaxTurns = 11 } }));
        var stored = await tenant.SetPolicyAsync(TenantPolicy.Initial with { Limits = TenantLimits.None with { MaxTurns = 3 } });

        Assert.Equal("limit_above_quota", above.Code);
        Assert.Equal(RejectionKind.Forbidden, above.Kind);
        Assert.Equal(3, (await tenant.GetAsync())!.Limits.MaxTurns);
        Assert.Equal(3, stored.Limits.MaxTurns);
    }

    private static TenantPolicy EffectivePolicy(TenantSnapshot snapshot) => snapshot.Policy with { Limits = snapshot.Limits };

    /// <summary>Rows of any grain state whose grain id mentions the tenant (tenant, index and conversation grains all do).</summary>
    private async Task<long> StoredRowsAsync(string tenantId)
    {
        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_state WHERE grain_id LIKE $pattern";
        command.Parameters.AddWithValue("$pattern", $"%{tenantId}%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
