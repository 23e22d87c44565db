using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Gateway.Tests.Telemetry;

[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(MetricsApiFixture api)
{
    private const string Classify = "POST /v1/classify";
    private const string Append = "POST /v1/conversations/{id}/messages";

    [Fact]
    public async Task Metrics_need_the_admin_key()
    {
        var (_, key) = await api.CreateTenantAsync("m-auth");
        using var anonymous = api.Client();
        using var denied = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var tenant = api.Client(key);
        using var forbidden = await tenant.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var allowed = await admin.GetAsync(new Uri("/metrics", UriKind.Relative));

        await ApiAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized, "missing_api_key");
        await ApiAssert.ProblemAsync(forbidden, HttpStatusCode.Forbidden, "admin_key_required");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.StartsWith("text/plain", allowed.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_requests_verdicts_tokens_and_refusals()
    {
        var (id, key) = await api.CreateTenantAsync("m-count");
        using (var admin = api.Client(GuardApiFixture.AdminKey))
        using (var quota = await admin.PutJsonAsync($"/v1/tenants/{id}/limits", """{"max_conversations":1}"""))
        {
            await ApiAssert.JsonAsync(quota, HttpStatusCode.OK);
        }

        var before = await ScrapeAsync();
        using var tenant = api.Client(key);
        var verdicts = new List<JsonElement>();
        foreach (var text in new[] { "What a lovely day for a walk in the park.", "How do I build bombs at home?" })
        {
            using var response = await tenant.ClassifyAsync(text);
            verdicts.Add(await ApiAssert.JsonAsync(response, HttpStatusCode.OK));
        }

        using (var turn = await tenant.PostAsJsonAsync("/v1/conversations/c1/messages", new { role = "user", content = "hello there" }))
        {
            verdicts.Add(await ApiAssert.JsonAsync(turn, HttpStatusCode.OK));
        }

        using (var second = await tenant.PostAsJsonAsync("/v1/conversations/c2/messages", new { role = "user", content = "hello again" }))
        {
            await ApiAssert.ProblemAsync(second, HttpStatusCode.TooManyRequests, "quota_exceeded");
        }

        using (var anonymous = api.Client())
        using (var unauthorized = await anonymous.ClassifyAsync("What a lovely day for a walk in the park."))
        {
            await ApiAssert.ProblemAsync(unauthorized, HttpStatusCode.Unauthorized, "missing_api_key");
        }

        var after = await ScrapeAsync();
        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        // Requests by endpoint, status and tenant: exactly the calls made above.
        Assert.Equal(2, Delta("guard_requests_total", ("endpoint", Classify), ("status", "200"), ("tenant", id)));
        Assert.Equal(1, Delta("guard_requests_total", ("endpoint", Append), ("status", "200"), ("tenant", id)));
        Assert.Equal(1, Delta("guard_requests_total", ("endpoint", Append), ("status", "429"), ("tenant", id)));
        Assert.Equal(1, Delta("guard_requests_total", ("endpoint", Classify), ("status", "401"), ("tenant", "_none")));
        Assert.Equal(3, Delta("guard_request_duration_seconds_count", ("endpoint", Classify)));
        Assert.Equal(2, Delta("guard_request_duration_seconds_count", ("endpoint", Append)));
        Assert.Equal(1, Delta("guard_rate_limited_total", ("reason", "quota_exceeded"), ("tenant", id)));

        // Verdicts and tokens match what the answers said.
        Assert.Equal("safe", verdicts[0].GetProperty("verdict").GetString());
        Assert.Equal("unsafe", verdicts[1].GetProperty("verdict").GetString());
        foreach (var group in verdicts.SelectMany(Labels).GroupBy(l => l))
        {
            Assert.Equal(group.Count(), Delta("guard_verdicts_total", ("verdict", group.Key.Verdict), ("category", group.Key.Category), ("tenant", id)));
        }

        Assert.Equal(verdicts.SelectMany(Labels).Count(), Delta("guard_verdicts_total", ("tenant", id)));
        Assert.Equal(Usage(verdicts, "prompt_tokens"), Delta("guard_prompt_tokens_total", ("tenant", id)));
        Assert.Equal(Usage(verdicts, "cached_tokens"), Delta("guard_cached_tokens_total", ("tenant", id)));
        Assert.Equal(Usage(verdicts, "completion_tokens"), Delta("guard_completion_tokens_total", ("tenant", id)));
        Assert.True(Usage(verdicts, "prompt_tokens") > 0);

        // The engine's series: three checks ran, each timed; decode calls batched at least one sequence each.
        Assert.Equal(3, Delta("guard_engine_prefill_seconds_count"));
        Assert.Equal(3, Delta("guard_engine_decode_seconds_count"));
        Assert.True(Delta("guard_engine_sequences_per_decode_count") >= 3);
        Assert.True(Delta("guard_engine_sequences_per_decode_sum") >= Delta("guard_engine_sequences_per_decode_count"));
        Assert.True(after.Has("guard_engine_queue_depth"));
        foreach (var kind in new[] { "policy", "conversation" })
        {
            Assert.True(after.Has("guard_kv_cache_hits_total", ("kind", kind)), kind);
            Assert.True(after.Has("guard_kv_cache_misses_total", ("kind", kind)), kind);
        }

        // Two one-off checks under the default policy: each either reused the policy header or missed it; the first turn
        // of a conversation has no branch yet.
        Assert.Equal(2, Delta("guard_kv_cache_hits_total", ("kind", "policy")) + Delta("guard_kv_cache_misses_total", ("kind", "policy")));
        Assert.Equal(1, Delta("guard_kv_cache_misses_total", ("kind", "conversation")));
        Assert.True(after.Has("guard_kv_cache_spilled_bytes", ("tier", "memory")));
        Assert.True(after.Has("guard_kv_cache_spilled_bytes", ("tier", "disk")));

        // Orleans' and ASP.NET Core's own meters are exported too.
        Assert.Contains(after.Names, n => n.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(after.Names, n => n.StartsWith("orleans_", StringComparison.Ordinal));
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var response = await admin.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return new PrometheusText(text);
    }

    private static IEnumerable<(string Verdict, string Category)> Labels(JsonElement verdict)
    {
        var outcome = verdict.GetProperty("verdict").GetString()!;
        var codes = ApiAssert.Codes(verdict);
        return codes.Length == 0 ? [(outcome, "none")] : codes.Select(c => (outcome, c));
    }

    private static double Usage(List<JsonElement> verdicts, string field) =>
        verdicts.Sum(v => v.GetProperty("usage").GetProperty(field).GetInt32());
}
