using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GuardCluster.Gateway.Tests.Http;

internal static class ApiAssert
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 answer with the given status and <c>code</c> extension; returns its <c>path</c>.</summary>
    public static async Task<string?> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string code)
    {
        var body = await JsonAsync(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.Equal(code, body.GetProperty("code").GetString());
        return body.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String ? path.GetString() : null;
    }

    /// <summary>
    /// Asserts OpenAI's error shape (<c>{"error":{"message","type","param","code"}}</c>, as OpenAI-compatible routes
    /// answer) with the given status, <c>type</c> and <c>code</c>; returns its <c>param</c>.
    /// </summary>
    public static async Task<string?> OpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode expected, string code, string type = "invalid_request_error")
    {
        var body = await JsonAsync(response, expected);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = body.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Single(body.EnumerateObject());
        var param = error.GetProperty("param");
        return param.ValueKind == JsonValueKind.String ? param.GetString() : null;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, string json) =>
        client.PutAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> ClassifyAsync(this HttpClient client, string text) =>
        client.PostAsJsonAsync("/v1/classify", new { messages = new[] { new { role = "user", content = text } } });

    public static string[] Codes(JsonElement verdict) =>
        [.. verdict.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("code").GetString()!)];
}
