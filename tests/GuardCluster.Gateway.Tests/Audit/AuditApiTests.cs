using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GuardCluster.Gateway.Tests.Audit;

/// <summary>The audit log against the real host: real calls, the real SQLite audit store, read back over HTTP.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(GuardApiFixture api)
{
    private const string Unsafe = "How do I build bombs at home?";
    private const string Safe = "What a lovely day for a walk in the park.";

    [Fact]
    public async Task Every_endpoint_kind_is_audited_with_ids_verdict_categories_and_hash()
    {
        var (_, key) = await api.CreateTenantAsync("au-kinds");
        using var tenant = api.Client(key);

        using var classify = await tenant.ClassifyAsync(Unsafe);
        var classified = await ApiAssert.JsonAsync(classify, HttpStatusCode.OK);
        using var batch = await tenant.PostAsJsonAsync("/v1/classify/batch", new
        {
            items = new[]
            {
                new { messages = new[] { new { role = "user", content = Safe } } },
                new { messages = new[] { new { role = "user", content = "I will kill him" } } },
            },
        });
        await ApiAssert.JsonAsync(batch, HttpStatusCode.OK);
        using var turn = await tenant.PostAsJsonAsync("/v1/conversations/c-1/messages", new { role = "user", content = "hello there", message_id = "m-1" });
        await ApiAssert.JsonAsync(turn, HttpStatusCode.OK);
        using var moderation = await tenant.PostAsJsonAsync("/v1/moderations", new { input = new[] { "nice weather", "a murder plan" } });
        await ApiAssert.JsonAsync(moderation, HttpStatusCode.OK);

        // A replayed turn runs no check: it adds no entry.
        using var replay = await tenant.PostAsJsonAsync("/v1/conversations/c-1/messages", new { role = "user", content = "hello there", message_id = "m-1" });
        Assert.True((await ApiAssert.JsonAsync(replay, HttpStatusCode.OK)).GetProperty("replayed").GetBoolean());

        var entries = await AllAsync(tenant, "/v1/audit?limit=200");
        Assert.Equal(6, entries.Count);

        var one = Assert.Single(entries, e => e.GetProperty("endpoint").GetString() == AuditEndpoints.Classify);
        Assert.Equal("unsafe", one.GetProperty("verdict").GetString());
        Assert.Equal(["S1"], Strings(one.GetProperty("categories")));
        Assert.Equal(Sha256(Unsafe), one.GetProperty("content_sha256").GetString());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("content").ValueKind);
        Assert.Equal(classified.GetProperty("unsafe_probability").GetDouble(), one.GetProperty("unsafe_probability").GetDouble(), 9);
        Assert.Equal(classified.GetProperty("model").GetString(), one.GetProperty("model").GetString());
        Assert.Equal(1, one.GetProperty("policy_version").GetInt32());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("conversation_id").ValueKind);

        var items = entries.Where(e => e.GetProperty("endpoint").GetString() == AuditEndpoints.Batch).OrderBy(e => e.GetProperty("item").GetInt32()).ToArray();
        Assert.Equal(2, items.Length);
        Assert.Equal(("safe", Sha256(Safe)), (items[0].GetProperty("verdict").GetString(), items[0].GetProperty("content_sha256").GetString()));
        Assert.Equal(("unsafe", Sha256("I will kill him")), (items[1].GetProperty("verdict").GetString(), items[1].GetProperty("content_sha256").GetString()));
        Assert.Empty(Strings(items[0].GetProperty("categories")));

        var message = Assert.Single(entries, e => e.GetProperty("endpoint").GetString() == AuditEndpoints.Conversation);
        Assert.Equal("c-1", message.GetProperty("conversation_id").GetString());
        Assert.Equal("m-1", message.GetProperty("message_id").GetString());
        Assert.Equal(Sha256("hello there"), message.GetProperty("content_sha256").GetString());
        Assert.Equal("safe", message.GetProperty("verdict").GetString());

        var moderated = entries.Where(e => e.GetProperty("endpoint").GetString() == AuditEndpoints.Moderation).OrderBy(e => e.GetProperty("item").GetInt32()).ToArray();
        Assert.Equal([Sha256("nice weather"), Sha256("a murder plan")], moderated.Select(e => e.GetProperty("content_sha256").GetString()));
        Assert.Equal(["safe", "unsafe"], moderated.Select(e => e.GetProperty("verdict").GetString()));

        AssertNewestFirst(entries);
    }

    [Fact]
    public async Task Content_is_kept_only_when_the_policy_says_so_and_the_policy_shows_the_settings()
    {
        var (_, key) = await api.CreateTenantAsync("au-content");
        using var tenant = api.Client(key);
        using (var get = await tenant.GetAsync(new Uri("/v1/policy", UriKind.Relative)))
        {
            var audit = (await ApiAssert.JsonAsync(get, HttpStatusCode.OK)).GetProperty("audit");
            Assert.False(audit.GetProperty("store_content").GetBoolean());
            Assert.Equal(30, audit.GetProperty("retention_days").GetInt32());
        }

        using (var before = await tenant.ClassifyAsync("first, not kept"))
        {
            await ApiAssert.JsonAsync(before, HttpStatusCode.OK);
        }

        using (var put = await tenant.PutJsonAsync("/v1/policy", """{"audit":{"store_content":true,"retention_days":7}}"""))
        {
            var audit = (await ApiAssert.JsonAsync(put, HttpStatusCode.OK)).GetProperty("audit");
            Assert.True(audit.GetProperty("store_content").GetBoolean());
            Assert.Equal(7, audit.GetProperty("retention_days").GetInt32());
        }

        using (var after = await tenant.ClassifyAsync("second, kept"))
        {
            await ApiAssert.JsonAsync(after, HttpStatusCode.OK);
        }

        var entries = await AllAsync(tenant, "/v1/audit");
        Assert.Equal(2, entries.Count);
        Assert.Equal("second, kept", entries[0].GetProperty("content").GetString());
        Assert.Equal(2, entries[0].GetProperty("policy_version").GetInt32());
        Assert.Equal(TimeSpan.FromDays(7), entries[0].GetProperty("expires_at").GetDateTimeOffset() - entries[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, entries[1].GetProperty("content").ValueKind);
        Assert.Equal(Sha256("first, not kept"), entries[1].GetProperty("content_sha256").GetString());
        Assert.Equal(TimeSpan.FromDays(30), entries[1].GetProperty("expires_at").GetDateTimeOffset() - entries[1].GetProperty("time").GetDateTimeOffset());

        // Retention outside 1..Guard:Audit:MaxRetentionDays (90), wrong types and unknown fields are refused; nothing changes.
        foreach (var (body, status, code) in new[]
        {
            ("""{"audit":{"retention_days":0}}""", HttpStatusCode.UnprocessableEntity, "invalid_retention_days"),
            ("""{"audit":{"retention_days":91}}""", HttpStatusCode.UnprocessableEntity, "invalid_retention_days"),
            ("""{"audit":{"retention_days":1.5}}""", HttpStatusCode.UnprocessableEntity, "invalid_retention_days"),
            ("""{"audit":{"retention_days":"7"}}""", HttpStatusCode.BadRequest, "invalid_type"),
            ("""{"audit":{"store_content":"yes"}}""", HttpStatusCode.BadRequest, "invalid_type"),
            ("""{"audit":{"store":true}}""", HttpStatusCode.BadRequest, "unknown_field"),
            ("""{"audit":true}""", HttpStatusCode.BadRequest, "invalid_type"),
        })
        {
            using var refused = await tenant.PutJsonAsync("/v1/policy", body);
            await ApiAssert.ProblemAsync(refused, status, code);
        }

        using var final = await tenant.GetAsync(new Uri("/v1/policy", UriKind.Relative));
        var policy = await ApiAssert.JsonAsync(final, HttpStatusCode.OK);
        Assert.Equal(2, policy.GetProperty("version").GetInt32());
        Assert.Equal(7, policy.GetProperty("audit").GetProperty("retention_days").GetInt32());
    }

    [Fact]
    public async Task Filters_and_cursor_pages_return_the_right_entries_newest_first()
    {
        var (_, key) = await api.CreateTenantAsync("au-filter");
        using var tenant = api.Client(key);
        foreach (var text in new[] { Safe, Unsafe, "Is it sunny?", "I think about suicide", "Tell me a joke" })
        {
            using var response = await tenant.ClassifyAsync(text);
            await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        }

        using (var a = await tenant.PostAsJsonAsync("/v1/conversations/conv-a/messages", new { role = "user", content = "hi from a" }))
        {
            await ApiAssert.JsonAsync(a, HttpStatusCode.OK);
        }

        using (var b = await tenant.PostAsJsonAsync("/v1/conversations/conv-b/messages", new { role = "user", content = "hi from b" }))
        {
            await ApiAssert.JsonAsync(b, HttpStatusCode.OK);
        }

        var all = await AllAsync(tenant, "/v1/audit");
        Assert.Equal(7, all.Count);
        AssertNewestFirst(all);

        var unsafeOnes = await AllAsync(tenant, "/v1/audit?verdict=unsafe");
        Assert.Equal([Sha256("I think about suicide"), Sha256(Unsafe)], unsafeOnes.Select(e => e.GetProperty("content_sha256").GetString()));
        var s11 = Assert.Single(await AllAsync(tenant, "/v1/audit?category=S11"));
        Assert.Equal(Sha256("I think about suicide"), s11.GetProperty("content_sha256").GetString());
        Assert.Empty(await AllAsync(tenant, "/v1/audit?category=S13"));
        var convA = Assert.Single(await AllAsync(tenant, "/v1/audit?conversation_id=conv-a"));
        Assert.Equal(Sha256("hi from a"), convA.GetProperty("content_sha256").GetString());
        Assert.Equal(5, (await AllAsync(tenant, "/v1/audit?verdict=safe")).Count);

        // Pages of 2 by cursor: every entry exactly once, in the same order as one big page.
        var paged = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(tenant, "/v1/audit?limit=2" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.True(page.GetProperty("data").GetArrayLength() <= 2);
            paged.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(4, pages);
        Assert.Equal(all.Select(e => e.GetProperty("id").GetInt64()), paged.Select(e => e.GetProperty("id").GetInt64()));

        // from is inclusive, to exclusive: what each returns is exactly the matching part of the full list.
        var middle = all[3].GetProperty("time").GetDateTimeOffset();
        var stamp = Uri.EscapeDataString(middle.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        var since = await AllAsync(tenant, $"/v1/audit?from={stamp}");
        var until = await AllAsync(tenant, $"/v1/audit?to={stamp}");
        Assert.Equal(all.Where(e => e.GetProperty("time").GetDateTimeOffset() >= middle).Select(Id), since.Select(Id));
        Assert.Equal(all.Where(e => e.GetProperty("time").GetDateTimeOffset() < middle).Select(Id), until.Select(Id));
        Assert.Equal(all.Count, since.Count + until.Count);
    }

    [Fact]
    public async Task A_tenant_reads_only_its_own_entries_and_the_admin_reads_any()
    {
        var (idA, keyA) = await api.CreateTenantAsync("au-a");
        var (idB, keyB) = await api.CreateTenantAsync("au-b");
        using var a = api.Client(keyA);
        using var b = api.Client(keyB);
        using (var ra = await a.ClassifyAsync("alpha text"))
        using (var rb = await b.ClassifyAsync("bravo text"))
        {
            await ApiAssert.JsonAsync(ra, HttpStatusCode.OK);
            await ApiAssert.JsonAsync(rb, HttpStatusCode.OK);
        }

        var own = Assert.Single(await AllAsync(a, "/v1/audit"));
        Assert.Equal(Sha256("alpha text"), own.GetProperty("content_sha256").GetString());

        using (var cross = await a.GetAsync(new Uri($"/v1/tenants/{idB}/audit", UriKind.Relative)))
        {
            await ApiAssert.ProblemAsync(cross, HttpStatusCode.Forbidden, "admin_key_required");
        }

        using var admin = api.Client(GuardApiFixture.AdminKey);
        var seen = Assert.Single(await AllAsync(admin, $"/v1/tenants/{idB}/audit"));
        Assert.Equal(Sha256("bravo text"), seen.GetProperty("content_sha256").GetString());
        Assert.Equal(Sha256("alpha text"), Assert.Single(await AllAsync(admin, $"/v1/tenants/{idA}/audit?verdict=safe")).GetProperty("content_sha256").GetString());

        using (var adminOnTenantRoute = await admin.GetAsync(new Uri("/v1/audit", UriKind.Relative)))
        {
            await ApiAssert.ProblemAsync(adminOnTenantRoute, HttpStatusCode.Forbidden, "tenant_key_required");
        }

        using (var missing = await admin.GetAsync(new Uri("/v1/tenants/au-nobody-here/audit", UriKind.Relative)))
        {
            await ApiAssert.ProblemAsync(missing, HttpStatusCode.NotFound, "tenant_not_found");
        }

        using (var anonymous = api.Client())
        using (var denied = await anonymous.GetAsync(new Uri("/v1/audit", UriKind.Relative)))
        {
            await ApiAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized, "missing_api_key");
        }
    }

    [Fact]
    public async Task Deleting_a_tenant_deletes_its_entries_and_a_new_tenant_of_that_id_starts_empty()
    {
        var (id, key) = await api.CreateTenantAsync("au-del");
        using (var tenant = api.Client(key))
        using (var response = await tenant.ClassifyAsync("to be forgotten"))
        {
            await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        }

        using var admin = api.Client(GuardApiFixture.AdminKey);
        Assert.Single(await AllAsync(admin, $"/v1/tenants/{id}/audit"));
        var store = api.Services.GetRequiredService<IAuditStore>();
        using (var delete = await admin.DeleteAsync(new Uri($"/v1/tenants/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        // Gone from the store itself, whatever the incarnation.
        Assert.Equal(0L, await store.DeleteTenantAsync(id));

        using var recreated = await admin.PostAsJsonAsync("/v1/tenants", new { id });
        var newKey = (await ApiAssert.JsonAsync(recreated, HttpStatusCode.Created)).GetProperty("api_key").GetString();
        using var again = api.Client(newKey);
        Assert.Empty(await AllAsync(again, "/v1/audit"));
    }

    [Fact]
    public async Task The_retention_job_deletes_entries_whose_retention_has_ended()
    {
        var (_, shortKey) = await api.CreateTenantAsync("au-short");
        var (_, longKey) = await api.CreateTenantAsync("au-long");
        using var shortLived = api.Client(shortKey);
        using var longLived = api.Client(longKey);
        using (var s = await shortLived.PutJsonAsync("/v1/policy", """{"audit":{"retention_days":1}}"""))
        using (var l = await longLived.PutJsonAsync("/v1/policy", """{"audit":{"retention_days":60}}"""))
        {
            await ApiAssert.JsonAsync(s, HttpStatusCode.OK);
            await ApiAssert.JsonAsync(l, HttpStatusCode.OK);
        }

        using (var s = await shortLived.ClassifyAsync("short lived"))
        using (var l = await longLived.ClassifyAsync("long lived"))
        {
            await ApiAssert.JsonAsync(s, HttpStatusCode.OK);
            await ApiAssert.JsonAsync(l, HttpStatusCode.OK);
        }

        var written = Assert.Single(await AllAsync(shortLived, "/v1/audit")).GetProperty("time").GetDateTimeOffset();
        var expiry = api.Services.GetRequiredService<AuditExpiry>();

        // Just before the short retention ends nothing goes; just after, the short-lived entry goes and the other stays.
        await expiry.RunOnceAsync(written.AddDays(1).AddMilliseconds(-1));
        Assert.Single(await AllAsync(shortLived, "/v1/audit"));
        Assert.True(await expiry.RunOnceAsync(written.AddDays(2)) >= 1);
        Assert.Empty(await AllAsync(shortLived, "/v1/audit"));
        Assert.Single(await AllAsync(longLived, "/v1/audit"));
    }

    [Theory]
    [InlineData("?foo=1", HttpStatusCode.BadRequest, "unknown_field")]
    [InlineData("?Verdict=safe", HttpStatusCode.BadRequest, "unknown_field")]
    [InlineData("?verdict=safe&verdict=unsafe", HttpStatusCode.BadRequest, "duplicate_property")]
    [InlineData("?verdict=maybe", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?category=X1", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?conversation_id=a%2Fb", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?from=yesterday", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?from=2026-01-01", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?limit=abc", HttpStatusCode.BadRequest, "invalid_query_parameter")]
    [InlineData("?limit=0", HttpStatusCode.UnprocessableEntity, "invalid_limit")]
    [InlineData("?limit=201", HttpStatusCode.UnprocessableEntity, "invalid_limit")]
    [InlineData("?cursor=%21%21%21", HttpStatusCode.UnprocessableEntity, "invalid_cursor")]
    [InlineData("?cursor=", HttpStatusCode.UnprocessableEntity, "invalid_cursor")]
    public async Task Bad_query_parameters_are_refused_with_their_code(string query, HttpStatusCode status, string code)
    {
        var (_, key) = await api.CreateTenantAsync("au-bad");
        using var tenant = api.Client(key);
        using var response = await tenant.GetAsync(new Uri("/v1/audit" + query, UriKind.Relative));
        await ApiAssert.ProblemAsync(response, status, code);
    }

    private async Task<List<JsonElement>> AllAsync(HttpClient client, string url)
    {
        var page = await PageAsync(client, url);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    private async Task<JsonElement> PageAsync(HttpClient client, string url)
    {
        // Entries reach the store within the flush interval; write the queue out first so the test never waits on time.
        await api.Services.GetRequiredService<AuditWriter>().FlushAsync();
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    private static void AssertNewestFirst(List<JsonElement> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            var (t0, t1) = (entries[i - 1].GetProperty("time").GetDateTimeOffset(), entries[i].GetProperty("time").GetDateTimeOffset());
            Assert.True(t0 > t1 || (t0 == t1 && Id(entries[i - 1]) > Id(entries[i])), $"Entry {i} is not older than entry {i - 1}.");
        }
    }

    private static long Id(JsonElement entry) => entry.GetProperty("id").GetInt64();

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
