using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(QuotaCollection.Name)]
public sealed class QuotaTests(QuotaApiFixture api)
{
    private static readonly object OneUserMessage = new { messages = new[] { new { role = "user", content = "What is the recipe for mayonnaise?" } } };

    [Fact]
    public async Task AdminSetsQuotasAndTenantMayOnlyLowerThem()
    {
        var (id, key) = await api.CreateTenantAsync("q-admin");
        using var admin = api.Client(QuotaApiFixture.AdminKey);
        using var tenant = api.Client(key);

        using var initial = await admin.GetAsync($"/v1/tenants/{id}");
        var info = await ApiAssert.JsonAsync(initial, HttpStatusCode.OK);
        Assert.Equal(50, info.GetProperty("limits").GetProperty("max_conversations").GetProperty("value").GetInt32());
        Assert.True(info.GetProperty("limits").GetProperty("max_turns").GetProperty("is_default").GetBoolean());

        using var set = await admin.PutJsonAsync($"/v1/tenants/{id}/limits", """{"max_turns":10,"requests_per_minute":1000,"max_batch_items":null}""");
        var updated = await ApiAssert.JsonAsync(set, HttpStatusCode.OK);
        Assert.Equal(10, updated.GetProperty("limits").GetProperty("max_turns").GetProperty("value").GetInt32());
        Assert.False(updated.GetProperty("limits").GetProperty("max_turns").GetProperty("is_default").GetBoolean());
        Assert.True(updated.GetProperty("limits").GetProperty("max_batch_items").GetProperty("is_default").GetBoolean());

        using var policy = await tenant.GetAsync("/v1/policy");
        var seen = await ApiAssert.JsonAsync(policy, HttpStatusCode.OK);
        Assert.Equal(10, seen.GetProperty("limits").GetProperty("max_turns").GetInt32());
        Assert.Equal(10, seen.GetProperty("quotas").GetProperty("max_turns").GetInt32());
        Assert.Equal(1000, seen.GetProperty("limits").GetProperty("requests_per_minute").GetInt32());

        using var raise = await tenant.PutJsonAsync("/v1/policy", """{"limits":{"max_turns":11}}""");
        Assert.Equal("limits.max_turns", await ApiAssert.ProblemAsync(raise, HttpStatusCode.Forbidden, "limit_above_quota"));

        using var lower = await tenant.PutJsonAsync("/v1/policy", """{"limits":{"max_turns":4,"requests_per_minute":500}}""");
        var lowered = await ApiAssert.JsonAsync(lower, HttpStatusCode.OK);
        Assert.Equal(4, lowered.GetProperty("limits").GetProperty("max_turns").GetInt32());
        Assert.Equal(500, lowered.GetProperty("limits").GetProperty("requests_per_minute").GetInt32());

        // The tenant's own setting applies where it is lower than the quota...
        using var tooLong = await tenant.PostAsJsonAsync("/v1/classify", new { messages = Turns(5) });
        await ApiAssert.ProblemAsync(tooLong, HttpStatusCode.RequestEntityTooLarge, "too_many_messages");

        // ...and an operator lowering the quota below it wins.
        using var tighter = await admin.PutJsonAsync($"/v1/tenants/{id}/limits", """{"max_turns":2}""");
        await ApiAssert.JsonAsync(tighter, HttpStatusCode.OK);
        using var policyAfter = await tenant.GetAsync("/v1/policy");
        Assert.Equal(2, (await ApiAssert.JsonAsync(policyAfter, HttpStatusCode.OK)).GetProperty("limits").GetProperty("max_turns").GetInt32());
        using var threeTurns = await tenant.PostAsJsonAsync("/v1/classify", new { messages = Turns(3) });
        await ApiAssert.ProblemAsync(threeTurns, HttpStatusCode.RequestEntityTooLarge, "too_many_messages");

        // A null clears the tenant's own setting: the quota applies again.
        using var clear = await tenant.PutJsonAsync("/v1/policy", """{"limits":{"max_turns":null}}""");
        Assert.Equal(2, (await ApiAssert.JsonAsync(clear, HttpStatusCode.OK)).GetProperty("limits").GetProperty("max_turns").GetInt32());
    }

    [Theory]
    [InlineData("""{"max_turn":5}""", 400, "unknown_field")]
    [InlineData("""{"max_turns":0}""", 422, "invalid_limit")]
    [InlineData("""{"max_turns":10001}""", 422, "invalid_limit")]
    [InlineData("""{"max_turns":"5"}""", 400, "invalid_type")]
    [InlineData("""[]""", 400, "invalid_type")]
    public async Task BadQuotaBodiesAreClientErrors(string body, int status, string code)
    {
        var (id, _) = await api.CreateTenantAsync("q-bad");
        using var admin = api.Client(QuotaApiFixture.AdminKey);
        using var response = await admin.PutJsonAsync($"/v1/tenants/{id}/limits", body);
        await ApiAssert.ProblemAsync(response, (HttpStatusCode)status, code);
        using var missing = await admin.PutJsonAsync("/v1/tenants/no-such-tenant-q/limits", "{}");
        await ApiAssert.ProblemAsync(missing, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task RequestsPerMinuteGives429WithRetryAfterAndAffectsNothingElse()
    {
        var (id, key) = await api.CreateTenantAsync("q-rpm");
        var (_, otherKey) = await api.CreateTenantAsync("q-rpm-other");
        await SetQuotaAsync(id, """{"requests_per_minute":3}""");
        using var tenant = api.Client(key);
        using var other = api.Client(otherKey);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
            await ApiAssert.JsonAsync(ok, HttpStatusCode.OK);
        }

        using var limited = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
        await ApiAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(20), limited.Headers.RetryAfter?.Delta);

        // Another tenant, and this tenant's non-model endpoints, are untouched.
        using var otherOk = await other.PostAsJsonAsync("/v1/classify", OneUserMessage);
        await ApiAssert.JsonAsync(otherOk, HttpStatusCode.OK);
        using var policy = await tenant.GetAsync("/v1/policy");
        await ApiAssert.JsonAsync(policy, HttpStatusCode.OK);

        // A batch counts one per item: two items need two requests' worth of refill.
        api.Clock.Advance(TimeSpan.FromSeconds(20));
        using var batch = await tenant.PostAsJsonAsync("/v1/classify/batch", new { items = new[] { OneUserMessage, OneUserMessage } });
        await ApiAssert.ProblemAsync(batch, HttpStatusCode.TooManyRequests, "rate_limited");
        using var single = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
        await ApiAssert.JsonAsync(single, HttpStatusCode.OK);

        // The OpenAI-compatible route answers the same 429 in OpenAI's error shape, Retry-After included.
        using var moderation = await tenant.PostJsonAsync("/v1/moderations", """{"input":"hello"}""");
        await ApiAssert.OpenAiErrorAsync(moderation, HttpStatusCode.TooManyRequests, "rate_limited", type: "requests");
        Assert.True(moderation.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {moderation.Headers.RetryAfter}");
    }

    [Fact]
    public async Task TokensPerMinuteChargesPromptTokensAfterTheVerdict()
    {
        var (id, key) = await api.CreateTenantAsync("q-tpm");
        await SetQuotaAsync(id, """{"tokens_per_minute":1000}""");
        using var tenant = api.Client(key);

        using var first = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
        var verdict = await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
        var promptTokens = verdict.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.True(promptTokens is >= 500 and < 1000, $"{promptTokens} prompt tokens");

        // Admitted while credit is left, then settled: a second prompt overdraws, the third waits for the refill.
        using var second = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
        await ApiAssert.JsonAsync(second, HttpStatusCode.OK);
        using var third = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
        await ApiAssert.ProblemAsync(third, HttpStatusCode.TooManyRequests, "rate_limited");
        var wait = third.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        var debt = (2 * promptTokens) - 1000;
        Assert.Equal(Math.Ceiling((debt + 1) * 60.0 / 1000), wait.TotalSeconds);

        api.Clock.Advance(wait);
        using var after = await tenant.PostAsJsonAsync("/v1/classify", OneUserMessage);
        await ApiAssert.JsonAsync(after, HttpStatusCode.OK);
    }

    [Fact]
    public async Task MaxBatchItemsAppliesToBatchAndModerations()
    {
        var (id, key) = await api.CreateTenantAsync("q-batch");
        await SetQuotaAsync(id, """{"max_batch_items":2}""");
        using var tenant = api.Client(key);

        using var batch = await tenant.PostAsJsonAsync("/v1/classify/batch", new { items = new[] { OneUserMessage, OneUserMessage, OneUserMessage } });
        await ApiAssert.ProblemAsync(batch, HttpStatusCode.RequestEntityTooLarge, "too_many_items");
        using var moderations = await tenant.PostJsonAsync("/v1/moderations", """{"input":["a","b","c"]}""");
        Assert.Equal("input", await ApiAssert.OpenAiErrorAsync(moderations, HttpStatusCode.RequestEntityTooLarge, "too_many_inputs"));
        using var two = await tenant.PostJsonAsync("/v1/moderations", """{"input":["hello","world"]}""");
        await ApiAssert.JsonAsync(two, HttpStatusCode.OK);
    }

    [Fact]
    public async Task ConversationQuotaListingAndTenantDeletion()
    {
        var (id, key) = await api.CreateTenantAsync("q-conv");
        await SetQuotaAsync(id, """{"max_conversations":3}""");
        using var tenant = api.Client(key);

        foreach (var conversation in new[] { "c1", "c2", "c3" })
        {
            api.Clock.Advance(TimeSpan.FromMilliseconds(1));
            using var ok = await tenant.PostAsJsonAsync($"/v1/conversations/{conversation}/messages", new { role = "user", content = "hello" });
            await ApiAssert.JsonAsync(ok, HttpStatusCode.OK);
        }

        // Later turns of an existing conversation are not new conversations.
        using var turn2 = await tenant.PostAsJsonAsync("/v1/conversations/c1/messages", new { role = "assistant", content = "hi" });
        await ApiAssert.JsonAsync(turn2, HttpStatusCode.OK);

        using var fourth = await tenant.PostAsJsonAsync("/v1/conversations/c4/messages", new { role = "user", content = "hello" });
        await ApiAssert.ProblemAsync(fourth, HttpStatusCode.TooManyRequests, "quota_exceeded");
        Assert.True(fourth.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var notCreated = await tenant.GetAsync("/v1/conversations/c4");
        await ApiAssert.ProblemAsync(notCreated, HttpStatusCode.NotFound, "conversation_not_found");

        // Newest first, paginated with a cursor.
        using var page1 = await tenant.GetAsync("/v1/conversations?limit=2");
        var first = await ApiAssert.JsonAsync(page1, HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(["c3", "c2"], Ids(first));
        var cursor = first.GetProperty("next_cursor").GetString();
        using var page2 = await tenant.GetAsync($"/v1/conversations?limit=2&cursor={Uri.EscapeDataString(cursor!)}");
        var second = await ApiAssert.JsonAsync(page2, HttpStatusCode.OK);
        Assert.Equal(["c1"], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
        using var badCursor = await tenant.GetAsync("/v1/conversations?cursor=not-a-cursor");
        await ApiAssert.ProblemAsync(badCursor, (HttpStatusCode)422, "invalid_cursor");
        using var badLimit = await tenant.GetAsync("/v1/conversations?limit=0");
        await ApiAssert.ProblemAsync(badLimit, (HttpStatusCode)422, "invalid_limit");

        // Deleting one frees its place in the quota.
        using var delete = await tenant.DeleteAsync("/v1/conversations/c2");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var nowFits = await tenant.PostAsJsonAsync("/v1/conversations/c4/messages", new { role = "user", content = "hello" });
        await ApiAssert.JsonAsync(nowFits, HttpStatusCode.OK);

        // Deleting the tenant deletes its conversations: a tenant created again under the id finds none.
        using var admin = api.Client(QuotaApiFixture.AdminKey);
        using var deleted = await admin.DeleteAsync($"/v1/tenants/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var recreate = await admin.PostAsJsonAsync("/v1/tenants", new { id });
        var newKey = (await ApiAssert.JsonAsync(recreate, HttpStatusCode.Created)).GetProperty("api_key").GetString();
        using var reborn = api.Client(newKey);
        using var empty = await reborn.GetAsync("/v1/conversations");
        var none = await ApiAssert.JsonAsync(empty, HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        using var gone = await reborn.GetAsync("/v1/conversations/c1");
        await ApiAssert.ProblemAsync(gone, HttpStatusCode.NotFound, "conversation_not_found");
    }

    [Fact]
    public async Task FailedAuthenticationsPerAddressAreLimited()
    {
        var (_, key) = await api.CreateTenantAsync("q-auth");
        using var forged = api.Client("gck.no-such-tenant.secret");
        for (var i = 0; i < QuotaApiFixture.AuthFailuresPerMinute; i++)
        {
            using var denied = await forged.GetAsync("/v1/policy");
            await ApiAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        using var limited = await forged.GetAsync("/v1/policy");
        await ApiAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(20), limited.Headers.RetryAfter?.Delta);

        // The address is held off whatever key it sends, until the bucket refills.
        using var valid = api.Client(key);
        using var held = await valid.GetAsync("/v1/policy");
        await ApiAssert.ProblemAsync(held, HttpStatusCode.TooManyRequests, "rate_limited");
        api.Clock.Advance(TimeSpan.FromSeconds(60));
        using var ok = await valid.GetAsync("/v1/policy");
        await ApiAssert.JsonAsync(ok, HttpStatusCode.OK);
    }

    private async Task SetQuotaAsync(string id, string json)
    {
        using var admin = api.Client(QuotaApiFixture.AdminKey);
        using var response = await admin.PutJsonAsync($"/v1/tenants/{id}/limits", json);
        await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    private static object[] Turns(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new { role = i % 2 == 0 ? "user" : "assistant", content = $"turn {i}" })];

    private static string[] Ids(JsonElement page) => [.. page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
}
