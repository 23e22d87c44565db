using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace GuardCluster.Bench.Systems;

/// <summary>
/// <c>POST /v1/classify</c> on a running silo: HTTP → gateway → grain → engine. Only user/assistant text is
/// sent; the tenant's stored policy applies (workload 5 uses the default policy on both paths).
/// </summary>
public sealed class HttpSystem(HttpClient client, string apiKey) : IGuardSystem
{
    public string Name => "HTTP → gateway → grain → engine";

    public async Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        var body = new
        {
            messages = check.Conversation.Messages.Select(m => new
            {
                role = m.Role == Core.Conversations.ChatRole.User ? "user" : "assistant",
                content = string.Join('\n', m.TextParts),
            }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /v1/classify answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var usage = root.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var cached = usage.TryGetProperty("cached_tokens", out var c) ? c.GetInt32() : 0;
        var overridden = root.TryGetProperty("warnings", out var w) && w.EnumerateArray().Any(x => x.GetString() == "threshold_override");
        var completion = usage.TryGetProperty("completion_tokens", out var a) ? a.GetInt32() : 0;
        return new CheckResult(ms, prompt, prompt - cached, root.GetProperty("raw_output").GetString() ?? string.Empty, overridden, completion);
    }
}
