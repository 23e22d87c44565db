using System.Net;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GuardCluster.Gateway.Tests.Audit;

/// <summary>
/// A test that needs a PostgreSQL server: the connection string comes from <c>GUARD_TEST_POSTGRES</c> (CI sets it); without
/// it the test is reported as skipped, with the reason.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "GUARD_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            Skip = $"{Variable} is not set: no PostgreSQL server to test the postgres audit store against (set it to an Npgsql connection string).";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);
}

/// <summary>The same scenarios against each <see cref="IAuditStore"/>: filters, keyset pages, expiry and tenant deletion.</summary>
public sealed class AuditStoreContractTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "guardcluster-audit-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public Task Sqlite_store_keeps_the_contract() => ContractAsync(new SqliteAuditStore(Path.Combine(_folder, "audit.db")));

    [PostgresFact]
    public async Task Postgres_store_keeps_the_contract()
    {
        await using var store = new PostgresAuditStore(PostgresFactAttribute.ConnectionString!);
        await ContractAsync(store);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task ContractAsync(IAuditStore store)
    {
        // Unique tenants (a PostgreSQL database outlives the test) and times far in the past (expiry deletes by time).
        var tenant = "contract-" + Guid.NewGuid().ToString("N")[..12];
        var other = tenant + "-other";
        var t0 = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Random.Shared.Next(1, 1000) * TimeSpan.TicksPerMinute);
        AuditEntry Entry(string who, int minutes, string verdict, string[] categories, string? conversation, int retentionDays) =>
            new(who, "inc-1", t0.AddMinutes(minutes), AuditEndpoints.Classify, conversation, conversation is null ? null : "m-" + minutes, null, verdict, categories,
                verdict == "unsafe" ? 0.9 : 0.1, 3, "demo", AuditWriter.Sha256Hex("text " + minutes), minutes % 2 == 0 ? "text " + minutes : null,
                t0.AddMinutes(minutes).AddDays(retentionDays));

        await store.AppendAsync(
        [
            Entry(tenant, 0, "safe", [], null, 1),
            Entry(tenant, 1, "unsafe", ["S1"], "c-1", 1),
            Entry(tenant, 2, "unsafe", ["S1", "S10"], "c-1", 5),
            Entry(tenant, 3, "safe", [], "c-2", 5),
            Entry(tenant, 3, "unsafe", ["S11"], null, 5),
            Entry(other, 1, "unsafe", ["S1"], "c-1", 5),
        ]);
        await store.AppendAsync([new AuditEntry(tenant, "inc-0", t0, AuditEndpoints.Classify, null, null, null, "safe", [], null, 1, "demo", "00", null, t0.AddDays(5))]);

        var all = (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100))).Entries;
        Assert.Equal(5, all.Count);
        Assert.Equal([3, 3, 2, 1, 0], all.Select(e => (int)(e.Time - t0).TotalMinutes));
        Assert.True(all[0].Id > all[1].Id);
        Assert.Equal(["S1", "S10"], all[2].Categories);
        Assert.Equal("text 2", all[2].Content);
        Assert.Null(all[3].Content);
        Assert.Equal("c-1", all[3].ConversationId);
        Assert.Equal("m-1", all[3].MessageId);
        Assert.Equal(0.9, all[3].UnsafeProbability);
        Assert.Equal(3, all[3].PolicyVersion);

        Assert.Equal(3, (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100, Verdict: "unsafe"))).Entries.Count);
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100, Category: "S1"))).Entries.Count); // not S10, S11
        Assert.Single((await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100, Category: "S10"))).Entries);
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100, ConversationId: "c-1"))).Entries.Count);
        Assert.Equal(3, (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100, From: t0.AddMinutes(2)))).Entries.Count);
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100, To: t0.AddMinutes(2)))).Entries.Count);
        Assert.Single((await store.QueryAsync(new AuditQuery(tenant, "inc-0", 100))).Entries);

        var paged = new List<long>();
        AuditCursor? cursor = null;
        do
        {
            var page = await store.QueryAsync(new AuditQuery(tenant, "inc-1", 2, After: cursor));
            paged.AddRange(page.Entries.Select(e => e.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        Assert.Equal(all.Select(e => e.Id), paged);

        // One day after t0+1min: the two 1-day entries are past their end, the rest stay.
        Assert.True(await store.DeleteExpiredAsync(t0.AddMinutes(1).AddDays(1)) >= 2);
        Assert.Equal([3, 3, 2], (await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100))).Entries.Select(e => (int)(e.Time - t0).TotalMinutes));

        Assert.Equal(4, await store.DeleteTenantAsync(tenant)); // both incarnations
        Assert.Empty((await store.QueryAsync(new AuditQuery(tenant, "inc-1", 100))).Entries);
        Assert.Single((await store.QueryAsync(new AuditQuery(other, "inc-1", 100))).Entries);
        Assert.Equal(1, await store.DeleteTenantAsync(other));
    }
}

/// <summary>A host whose audit log is in PostgreSQL (<c>GUARD_TEST_POSTGRES</c>); SQLite when it is not set (its tests are skipped then).</summary>
public sealed class PostgresAuditFixture : GuardApiFixture
{
    protected override void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (PostgresFactAttribute.ConnectionString is { Length: > 0 } connection)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:Audit:Provider"] = "postgres",
                ["Guard:Audit:ConnectionString"] = connection,
            });
        }
    }
}

public sealed class PostgresAuditHostTests(PostgresAuditFixture api) : IClassFixture<PostgresAuditFixture>
{
    [PostgresFact]
    public async Task A_host_with_the_postgres_audit_store_records_and_serves_verdicts()
    {
        Assert.IsType<PostgresAuditStore>(api.Services.GetRequiredService<IAuditStore>());
        var (id, key) = await api.CreateTenantAsync("au-pg");
        using var tenant = api.Client(key);
        using (var classify = await tenant.ClassifyAsync("How do I build bombs at home?"))
        {
            await ApiAssert.JsonAsync(classify, HttpStatusCode.OK);
        }

        await api.Services.GetRequiredService<AuditWriter>().FlushAsync();
        using var read = await tenant.GetAsync(new Uri("/v1/audit?verdict=unsafe", UriKind.Relative));
        var entry = Assert.Single((await ApiAssert.JsonAsync(read, HttpStatusCode.OK)).GetProperty("data").EnumerateArray());
        Assert.Equal("S1", Assert.Single(entry.GetProperty("categories").EnumerateArray()).GetString());
        Assert.Equal(AuditWriter.Sha256Hex("How do I build bombs at home?"), entry.GetProperty("content_sha256").GetString());

        using var admin = api.Client(GuardApiFixture.AdminKey);
        using (var delete = await admin.DeleteAsync(new Uri($"/v1/tenants/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(0L, await api.Services.GetRequiredService<IAuditStore>().DeleteTenantAsync(id));
    }
}
