using System.Net;
using System.Text.Json;

namespace GuardCluster.Gateway.Tests.Http;

/// <summary><c>PUT /v1/policy</c> is a partial update merged inside the tenant grain; ETag / If-Match make it conditional.</summary>
[Collection(ApiCollection.Name)]
public sealed class PolicyConcurrencyTests(GuardApiFixture api)
{
    private static readonly (string Body, string Path, double Value)[] PartialUpdates =
    [
        ("""{"limits":{"requests_per_minute":1001}}""", "limits.requests_per_minute", 1001),
        ("""{"limits":{"tokens_per_minute":100002}}""", "limits.tokens_per_minute", 100002),
        ("""{"limits":{"max_concurrent_requests":103}}""", "limits.max_concurrent_requests", 103),
        ("""{"limits":{"max_conversations":104}}""", "limits.max_conversations", 104),
        ("""{"limits":{"max_message_chars":10005}}""", "limits.max_message_chars", 10005),
        ("""{"limits":{"max_turns":106}}""", "limits.max_turns", 106),
        ("""{"limits":{"max_total_chars":10007}}""", "limits.max_total_chars", 10007),
        ("""{"limits":{"max_batch_items":3}}""", "limits.max_batch_items", 3),
        ("""{"threshold":0.25}""", "threshold", 0.25),
    ];

    [Fact]
    public async Task Concurrent_partial_puts_without_if_match_never_lose_fields()
    {
        for (var round = 0; round < 3; round++)
        {
            var (_, key) = await api.CreateTenantAsync("pc");
            using var client = api.Client(key);

            // Every request on its own connection, all released together.
            using var start = new SemaphoreSlim(0);
            var puts = PartialUpdates.Select(async update =>
            {
                using var own = api.Client(key);
                await start.WaitAsync();
                using var response = await own.PutJsonAsync("/v1/policy", update.Body);
                await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
            }).ToArray();
            start.Release(PartialUpdates.Length);
            await Task.WhenAll(puts);

            using var get = await client.GetAsync("/v1/policy");
            var policy = await ApiAssert.JsonAsync(get, HttpStatusCode.OK);
            Assert.Equal(1 + PartialUpdates.Length, policy.GetProperty("version").GetInt32());
            foreach (var (_, path, value) in PartialUpdates)
            {
                Assert.True(value == Read(policy, path), $"round {round}: {path} is {Read(policy, path)}, expected {value}");
            }
        }
    }

    [Fact]
    public async Task Get_and_put_answer_with_the_version_as_etag_and_if_match_is_honoured()
    {
        var (_, key) = await api.CreateTenantAsync("etag");
        using var client = api.Client(key);
        using var get = await client.GetAsync("/v1/policy");
        await ApiAssert.JsonAsync(get, HttpStatusCode.OK);
        Assert.Equal("\"1\"", get.Headers.ETag?.Tag);

        using var stale = Put(client, """{"threshold":0.5}""", "\"7\"");
        using var staleResponse = await client.SendAsync(stale);
        await ApiAssert.ProblemAsync(staleResponse, HttpStatusCode.PreconditionFailed, "precondition_failed");

        using var matching = Put(client, """{"threshold":0.5}""", "\"1\"");
        using var ok = await client.SendAsync(matching);
        var body = await ApiAssert.JsonAsync(ok, HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal("\"2\"", ok.Headers.ETag?.Tag);

        // The same precondition again: the version moved on, so the second writer is told instead of overwriting.
        using var again = Put(client, """{"threshold":0.6}""", "\"1\"");
        using var lost = await client.SendAsync(again);
        await ApiAssert.ProblemAsync(lost, HttpStatusCode.PreconditionFailed, "precondition_failed");

        // A version in the body works like If-Match; a wrong type there is a 400, not a silent no-op.
        using var bodyVersion = await client.PutJsonAsync("/v1/policy", """{"version":1,"threshold":0.6}""");
        await ApiAssert.ProblemAsync(bodyVersion, HttpStatusCode.PreconditionFailed, "precondition_failed");
        using var wrongType = await client.PutJsonAsync("/v1/policy", """{"version":"2","threshold":0.6}""");
        await ApiAssert.ProblemAsync(wrongType, HttpStatusCode.BadRequest, "invalid_type");
        using var misspelt = await client.PutJsonAsync("/v1/policy", """{"treshold":0.6}""");
        Assert.Equal("treshold", await ApiAssert.ProblemAsync(misspelt, HttpStatusCode.BadRequest, "unknown_field"));

        using var after = await client.GetAsync("/v1/policy");
        var final = await ApiAssert.JsonAsync(after, HttpStatusCode.OK);
        Assert.Equal(2, final.GetProperty("version").GetInt32());
        Assert.Equal(0.5, final.GetProperty("threshold").GetDouble());
    }

    [Fact]
    public async Task Concurrent_conditional_puts_on_one_version_let_exactly_one_win()
    {
        var (_, key) = await api.CreateTenantAsync("ifm");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var client = api.Client(key);
            using var request = Put(client, $$"""{"threshold":0.{{i + 1}}}""", "\"1\"");
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }));
        Assert.Equal(1, results.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(5, results.Count(s => s == HttpStatusCode.PreconditionFailed));
    }

    private static HttpRequestMessage Put(HttpClient client, string json, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(client.BaseAddress!, "/v1/policy"))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private static double Read(JsonElement policy, string path)
    {
        var element = policy;
        foreach (var part in path.Split('.'))
        {
            element = element.GetProperty(part);
        }

        return element.GetDouble();
    }
}
