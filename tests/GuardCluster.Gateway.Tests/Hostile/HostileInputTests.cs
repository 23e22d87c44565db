using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Gateway.Tests.Hostile;

/// <summary>
/// Hostile input against the real HTTP host (one silo, demo model): every generated case (<see cref="HostileCases"/>)
/// must get its 4xx with RFC 7807 problem details and a <c>code</c> (OpenAI's error shape with <c>error.code</c> on
/// <c>/v1/moderations</c>) (or 200 where it is valid), never a 5xx, within
/// a few seconds; afterwards the host is ready and another tenant's policy and conversations are byte-identical.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(GuardApiFixture api)
{
    /// <summary>A refusal must be quick; a valid prompt at the context edge costs a full prefill (~8k tokens on 2 cores).</summary>
    private static readonly TimeSpan MaxRefusalTime = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxValidAnswerTime = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim SetupGate = new(1, 1);
    private static readonly string[] VictimConversations = ["victim-c1", "victim-c2"];
    private static (GuardApiFixture Api, HostileContext Context, string VictimState)? _setup;

    public static IEnumerable<object[]> Cases() => HostileCases.Names();

    [Fact]
    public void There_are_at_least_200_cases() => Assert.True(HostileCases.All.Count >= 200, $"{HostileCases.All.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_request_gets_a_clear_answer(string name)
    {
        var testCase = HostileCases.All[name];
        var (context, victimBefore) = await SetupAsync();

        using var client = api.Client();
        client.Timeout = TimeSpan.FromSeconds(30);
        using var request = BuildRequest(testCase, context);
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        clock.Stop();

        var status = (int)response.StatusCode;
        var because = $"{name}: got {status} {response.Content.Headers.ContentType} in {clock.ElapsedMilliseconds} ms: {Shorten(text)}";
        Assert.True(status < 500, because);
        Assert.True(testCase.Statuses.Contains(status), $"expected {string.Join('/', testCase.Statuses)}; " + because);
        Assert.True(clock.Elapsed < (status >= 400 ? MaxRefusalTime : MaxValidAnswerTime), "too slow; " + because);
        if (testCase.ServerLevel)
        {
            Assert.Equal(400, status);
        }
        else if (status >= 400)
        {
            var code = testCase.Path(context).StartsWith("/v1/moderations", StringComparison.Ordinal)
                ? OpenAiErrorCode(response, text, because)
                : ProblemCode(response, text, status, because);
            Assert.True(testCase.Codes.Contains(code), $"expected code {string.Join('/', testCase.Codes)}; " + because);
        }
        else
        {
            using var body = JsonDocument.Parse(text);
            foreach (var warning in testCase.Warnings)
            {
                var warnings = body.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToArray();
                Assert.True(warnings.Contains(warning), $"expected warning {warning}; " + because);
            }
        }

        // The host is still ready, and the other tenant saw nothing.
        using var ready = await client.GetAsync("/readyz");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{name}: /readyz answered {(int)ready.StatusCode}");
        Assert.Equal(victimBefore, await VictimStateAsync(context));
    }

    /// <summary>Every native route answers errors as RFC 7807 problem details with a <c>code</c>.</summary>
    private static string? ProblemCode(HttpResponseMessage response, string text, int status, string because)
    {
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", "not problem details; " + because);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.GetProperty("code").GetString();
    }

    /// <summary>OpenAI-compatible routes answer errors in OpenAI's shape, our code in <c>error.code</c>.</summary>
    private static string? OpenAiErrorCode(HttpResponseMessage response, string text, string because)
    {
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", "not OpenAI's error shape; " + because);
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("error");
        Assert.True(error.GetProperty("type").GetString() is { Length: > 0 }, "no error.type; " + because);
        Assert.True(error.GetProperty("message").GetString() is { Length: > 0 }, "no error.message; " + because);
        Assert.True(error.TryGetProperty("param", out _), "no error.param; " + because);
        return error.GetProperty("code").GetString();
    }

    private static HttpRequestMessage BuildRequest(HostileCase testCase, HostileContext context)
    {
        var request = new HttpRequestMessage(new HttpMethod(testCase.Method), testCase.Path(context));
        var authorization = testCase.Authorization?.Invoke(context) ?? testCase.Caller switch
        {
            Caller.Attacker => "Bearer " + context.AttackerKey,
            Caller.Victim => "Bearer " + context.VictimKey,
            Caller.Admin => "Bearer " + GuardApiFixture.AdminKey,
            _ => null,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var (header, value) in testCase.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        if (testCase.Body(context) is { } bytes)
        {
            HttpContent content = testCase.Chunked ? new StreamContent(new ForwardOnlyStream(bytes)) : new ByteArrayContent(bytes);
            if (testCase.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", testCase.ContentType);
            }

            request.Content = content;
            request.Headers.TransferEncodingChunked = testCase.Chunked ? true : null;
        }

        return request;
    }

    private async Task<(HostileContext Context, string VictimState)> SetupAsync()
    {
        await SetupGate.WaitAsync();
        try
        {
            if (_setup is { } done && ReferenceEquals(done.Api, api))
            {
                return (done.Context, done.VictimState);
            }

            var (victimId, victimKey) = await api.CreateTenantAsync("victim");
            using (var victim = api.Client(victimKey))
            {
                using var policy = await victim.PutJsonAsync("/v1/policy", """{"threshold":0.3,"excluded_category_keys":["S13"],"limits":{"max_turns":50}}""");
                await ApiAssert.JsonAsync(policy, HttpStatusCode.OK);
                foreach (var conversation in VictimConversations)
                {
                    using var first = await victim.PostAsJsonAsync($"/v1/conversations/{conversation}/messages", new { role = "user", content = "How do I bake bread?", message_id = "v1" });
                    await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
                    using var second = await victim.PostAsJsonAsync($"/v1/conversations/{conversation}/messages", new { role = "assistant", content = "Mix flour, water, salt and yeast.", message_id = "v2" });
                    await ApiAssert.JsonAsync(second, HttpStatusCode.OK);
                }
            }

            var (attackerId, attackerKey) = await api.CreateTenantAsync("attacker");
            var context = new HostileContext(attackerId, attackerKey, victimId, victimKey, VictimConversations, 0);
            context = context with { EdgeWords = await FindContextEdgeAsync(attackerKey) };
            var state = await VictimStateAsync(context);
            _setup = (api, context, state);
            return (context, state);
        }
        finally
        {
            SetupGate.Release();
        }
    }

    /// <summary>The largest number of words one user message may hold before the prompt no longer fits (binary search).</summary>
    private async Task<int> FindContextEdgeAsync(string key)
    {
        using var client = api.Client(key);
        int low = 1, high = 15_999; // 16 000 words would pass the 32 000-character message limit
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await StatusAsync(client, high));
        while (high - low > 1)
        {
            var middle = (low + high) / 2;
            if (await StatusAsync(client, middle) == HttpStatusCode.OK)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, int words)
    {
        using var response = await client.PostJsonAsync("/v1/classify", $$"""{"messages":[{"role":"user","content":"{{HostileCases.Words(words)}}"}]}""");
        return response.StatusCode;
    }

    /// <summary>Everything the victim can read about itself, as raw bytes: policy, the conversation and the list.</summary>
    private async Task<string> VictimStateAsync(HostileContext context)
    {
        using var client = api.Client(context.VictimKey);
        var parts = new List<string>();
        foreach (var path in new[] { "/v1/policy", "/v1/conversations" }.Concat(context.VictimConversations.Select(c => $"/v1/conversations/{c}")))
        {
            using var response = await client.GetAsync(path);
            parts.Add($"{(int)response.StatusCode} {path} {response.Headers.ETag} {await response.Content.ReadAsStringAsync()}");
        }

        return string.Join('\n', parts);
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    /// <summary>A body stream without a length, so the client must send it chunked.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
