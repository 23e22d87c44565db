using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core.Policies;
using GuardCluster.Grains;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Cluster.Tests;

public sealed class TenantGrainTests(ThreeModelSilosFixture fixture) : IClassFixture<ThreeModelSilosFixture>
{
    private static string NewTenantId() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Create_issues_a_key_stored_only_as_its_hash()
    {
        var id = NewTenantId();
        var tenant = fixture.Client.GetGrain<ITenantGrain>(id);

        var issued = await tenant.CreateAsync();
        var snapshot = await tenant.GetAsync();

        Assert.StartsWith($"gck.{id}.", issued.ApiKey, StringComparison.Ordinal);
        Assert.Equal([GuardKeys.Hash(issued.ApiKey)], snapshot!.KeyHashes);
        Assert.DoesNotContain(issued.ApiKey, snapshot.KeyHashes);
        Assert.Equal(1, snapshot.Policy.Version);
    }

    [Fact]
    public async Task Looking_up_made_up_tenants_leaves_no_activations_behind()
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        async Task<int> TenantActivations() => (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(TenantGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
        var before = await TenantActivations();

        for (var i = 0; i < 40; i++)
        {
            Assert.Null(await fixture.Client.GetGrain<ITenantGrain>(NewTenantId()).GetAsync());
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await TenantActivations() > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(await TenantActivations() <= before, $"{await TenantActivations()} tenant activations, {before} before");
    }

    [Fact]
    public async Task Creating_twice_conflicts_and_bad_ids_are_rejected()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        await tenant.CreateAsync();

        var again = await Assert.ThrowsAsync<GuardRejectedException>(() => tenant.CreateAsync());
        var bad = await Assert.ThrowsAsync<GuardRejectedException>(() => fixture.Client.GetGrain<ITenantGrain>("Bad/Id").CreateAsync());

        Assert.Equal(RejectionKind.Conflict, again.Kind);
        Assert.Equal("invalid_tenant_id", bad.Code);

        // A trailing newline must not pass as the end of the id (.NET's '$' would let it through).
        var newline = NewTenantId() + "\n";
        var trailing = await Assert.ThrowsAsync<GuardRejectedException>(() => fixture.Client.GetGrain<ITenantGrain>(newline).CreateAsync());
        Assert.Equal("invalid_tenant_id", trailing.Code);
        Assert.Null(await fixture.Client.GetGrain<ITenantGrain>(newline).GetAsync());
    }

    [Fact]
    public async Task A_failed_write_leaves_the_activation_serving_what_storage_holds()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        var issued = await tenant.CreateAsync();
        var before = await tenant.GetAsync();

        // Make every write of the real SQLite storage fail for a moment (reads of active grains need no storage).
        await SqlAsync("ALTER TABLE grain_state RENAME TO grain_state_offline;");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => tenant.RotateKeyAsync());
            await Assert.ThrowsAnyAsync<Exception>(() => tenant.UpdatePolicyAsync(new PolicyPatch { SetsThreshold = true, Threshold = 0.5 }, null));
            await Assert.ThrowsAnyAsync<Exception>(() => tenant.SetQuotasAsync(TenantLimits.None with { MaxTurns = 5 }));
        }
        finally
        {
            await SqlAsync("ALTER TABLE grain_state_offline RENAME TO grain_state;");
        }

        // The key that was handed out still works, and nothing that was never stored is served.
        var after = await tenant.GetAsync();
        Assert.Equal([GuardKeys.Hash(issued.ApiKey)], after!.KeyHashes);
        Assert.Equal(before!.Policy.Version, after.Policy.Version);
        Assert.Null(after.Policy.Policy.Threshold);
        Assert.Equal(before.QuotaOverrides, after.QuotaOverrides);
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fixture.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Concurrent_partial_policy_updates_keep_every_field_and_if_versions_is_checked()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        await tenant.CreateAsync();
        var names = TenantLimitFields.All.Select(f => f.Name).ToArray();
        await Task.WhenAll(names.Select((name, i) => tenant.UpdatePolicyAsync(new PolicyPatch { Limits = new() { [name] = i + 2 } }, null)));

        var snapshot = await tenant.GetAsync();
        Assert.Equal(1 + names.Length, snapshot!.Policy.Version);
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(i + 2, TenantLimitFields.Find(names[i])!.Get(snapshot.Policy.Limits));
        }

        var stale = await Assert.ThrowsAsync<GuardRejectedException>(() => tenant.UpdatePolicyAsync(new PolicyPatch { SetsThreshold = true, Threshold = 0.5 }, [1]));
        Assert.Equal(RejectionKind.PreconditionFailed, stale.Kind);
        var invalid = await Assert.ThrowsAsync<GuardRejectedException>(() => tenant.UpdatePolicyAsync(new PolicyPatch { SetsThreshold = true, Threshold = 2 }, null));
        Assert.Equal("invalid_threshold", invalid.Code);
        var updated = await tenant.UpdatePolicyAsync(new PolicyPatch { SetsThreshold = true, Threshold = 0.5 }, [snapshot.Policy.Version]);
        Assert.Equal(0.5, updated.Policy.Threshold);
        Assert.Equal(snapshot.Policy.Limits, updated.Limits);
    }

    [Fact]
    public async Task Rotation_replaces_the_key()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        var first = await tenant.CreateAsync();

        var second = await tenant.RotateKeyAsync();
        var snapshot = await tenant.GetAsync();

        Assert.NotEqual(first.ApiKey, second.ApiKey);
        Assert.Equal([GuardKeys.Hash(second.ApiKey)], snapshot!.KeyHashes);
    }

    [Fact]
    public async Task Policy_changes_are_validated_and_versioned()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        await tenant.CreateAsync();
        var custom = TenantPolicy.Initial with
        {
            Policy = new SafetyPolicy([new SafetyCategory("S1", "Threats of violence"), new SafetyCategory("S20", "Spam")], ["S20"], 0.4),
        };

        var stored = await tenant.SetPolicyAsync(custom);
        var invalid = await Assert.ThrowsAsync<GuardRejectedException>(() => tenant.SetPolicyAsync(
            TenantPolicy.Initial with { Policy = new SafetyPolicy([new SafetyCategory("X1", "nope")], []) }));
        var snapshot = await tenant.GetAsync();

        Assert.Equal(2, stored.Version);
        Assert.Equal(2, snapshot!.Policy.Version);
        Assert.Equal("Spam", snapshot.Policy.Policy.Categories[1].Text);
        Assert.Equal(0.4, snapshot.Policy.Policy.Threshold);
        Assert.Equal("invalid_category_code", invalid.Code);
    }

    [Fact]
    public async Task Delete_forgets_the_tenant()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(NewTenantId());
        await tenant.CreateAsync();

        Assert.True(await tenant.DeleteAsync());
        Assert.Null(await tenant.GetAsync());
        await Assert.ThrowsAsync<GuardRejectedException>(() => tenant.RotateKeyAsync());
    }
}
