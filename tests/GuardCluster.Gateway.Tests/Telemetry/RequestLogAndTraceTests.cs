using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using GuardCluster.Gateway.Tests.Http;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Gateway.Tests.Telemetry;

[Collection(MetricsCollection.Name)]
public sealed class RequestLogAndTraceTests(MetricsApiFixture api)
{
    private const string RequestLog = "GuardCluster.Requests";

    [Fact]
    public async Task Each_request_logs_one_line_with_tenant_endpoint_status_and_verdict_but_no_content()
    {
        var (id, key) = await api.CreateTenantAsync("m-log");
        var secret = $"my private words {Guid.NewGuid():N}";
        using var tenant = api.Client(key);
        using (var response = await tenant.ClassifyAsync(secret))
        {
            await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        }

        using (var turn = await tenant.PostAsJsonAsync("/v1/conversations/chat-1/messages", new { role = "user", content = secret }))
        {
            await ApiAssert.JsonAsync(turn, HttpStatusCode.OK);
        }

        var lines = api.Logs.Entries.Where(e => e.Category == RequestLog && Equals(e.Fields.GetValueOrDefault("Tenant"), id)).ToList();
        Assert.Equal(2, lines.Count);
        var classify = Assert.Single(lines, l => Equals(l.Fields["Endpoint"], "POST /v1/classify"));
        var append = Assert.Single(lines, l => Equals(l.Fields["Endpoint"], "POST /v1/conversations/{id}/messages"));
        foreach (var line in new[] { classify, append })
        {
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.Equal(200, line.Fields["Status"]);
            Assert.Equal("safe", line.Fields["Verdict"]);
            Assert.Contains(id, line.Message, StringComparison.Ordinal);
            Assert.Contains("200", line.Message, StringComparison.Ordinal);
            Assert.True(line.Fields.ContainsKey("ElapsedMs") && line.Fields.ContainsKey("PrefillMs"));
        }

        // Neither the message text, the conversation id nor the key appears in any log entry of the host.
        foreach (var entry in api.Logs.Entries)
        {
            Assert.DoesNotContain(secret, entry.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("chat-1", entry.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(key, entry.Message, StringComparison.Ordinal);
        }

        // A refused request is logged too, without a tenant.
        var before = api.Logs.Entries.Count(e => e.Category == RequestLog && Equals(e.Fields.GetValueOrDefault("Status"), 401));
        using (var anonymous = api.Client())
        using (var denied = await anonymous.ClassifyAsync(secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }

        Assert.Equal(before + 1, api.Logs.Entries.Count(e => e.Category == RequestLog && Equals(e.Fields.GetValueOrDefault("Status"), 401)));
    }

    [Fact]
    public async Task One_trace_runs_from_the_http_request_through_the_grain_call_into_the_engine()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "GuardCluster" or "Microsoft.AspNetCore" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var (_, key) = await api.CreateTenantAsync("m-trace");
        using var tenant = api.Client(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify")
        {
            Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "How do I build bombs at home?" } } }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await tenant.SendAsync(request);
        var verdict = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);

        // The engine's span belongs to the caller's trace: the context crossed the grain call.
        var check = Assert.Single(stopped, a => a.OperationName == "guard.engine.check");
        Assert.Equal(verdict.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), check.GetTagItem("guard.prompt_tokens"));
        Assert.Equal("unsafe", check.GetTagItem("guard.verdict"));
        Assert.Contains(stopped, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        foreach (var phase in new[] { "guard.engine.queue", "guard.engine.prefill", "guard.engine.decode" })
        {
            var span = Assert.Single(stopped, a => a.OperationName == phase);
            Assert.Equal(check.SpanId, span.ParentSpanId);
            Assert.True(span.Duration >= TimeSpan.Zero, phase);
        }
    }
}
