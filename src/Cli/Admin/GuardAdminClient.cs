using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Admin;

/// <summary>
/// The admin side of the HTTP API. Every failure becomes a <see cref="CliException"/> with one line: a problem+json
/// answer as <c>&lt;detail&gt; (&lt;code&gt;[ at &lt;path&gt;], HTTP &lt;status&gt;)</c>, exit 2 for 4xx (the request was wrong) and 1 for 5xx;
/// network failures and timeouts exit 1. The admin key goes only into the Authorization header.
/// </summary>
public sealed class GuardAdminClient : IDisposable
{
    private readonly HttpClient http;
    private readonly AdminEndpoint endpoint;

    public GuardAdminClient(AdminEndpoint endpoint, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        this.endpoint = endpoint;
        http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.Timeout = endpoint.Timeout;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.AdminKey);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.ParseAdd("guardctl/1.0");
    }

    public Task<AdminResponse> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    public Task<AdminResponse> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, null, cancellationToken);

    public Task<AdminResponse> PostAsync(string path, string? json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, json, null, cancellationToken);

    public Task<AdminResponse> PutAsync(string path, string json, string? ifMatch, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, json, ifMatch, cancellationToken);

    public async Task<AdminResponse> SendAsync(HttpMethod method, string path, string? json, string? ifMatch, CancellationToken cancellationToken)
    {
        var uri = new Uri(endpoint.BaseUri, path);
        using var request = new HttpRequestMessage(method, uri);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw CliException.Runtime($"cannot reach {endpoint.BaseUri}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw CliException.Runtime($"no answer from {endpoint.BaseUri} within {endpoint.Timeout.TotalSeconds:0.#} s", ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                throw Problem(status, response.ReasonPhrase, text);
            }

            var etag = response.Headers.ETag?.ToString();
            if (string.IsNullOrWhiteSpace(text))
            {
                return new AdminResponse(status, JsonDocument.Parse("{}").RootElement.Clone(), etag);
            }

            try
            {
                using var body = JsonDocument.Parse(text);
                return new AdminResponse(status, body.RootElement.Clone(), etag);
            }
            catch (JsonException ex)
            {
                throw CliException.Runtime($"{uri} answered HTTP {status} with a body that is not JSON; is --url a GuardCluster API host?", ex);
            }
        }
    }

    /// <summary>One line from a problem+json answer; 4xx exit 2, anything else exit 1.</summary>
    public static CliException Problem(int status, string? reason, string body)
    {
        string? detail = null;
        string? code = null;
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                detail = Text(problem.RootElement, "detail") ?? Text(problem.RootElement, "title");
                code = Text(problem.RootElement, "code");

                // As local validation errors read: "(code at path)", so both kinds point at the field alike.
                if (code is not null && Text(problem.RootElement, "path") is { } path)
                {
                    code = $"{code} at {path}";
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, say): the status line is all there is.
        }

        var message = $"{detail ?? reason ?? "request failed"} ({(code is null ? "" : code + ", ")}HTTP {status})";
        return status is >= 400 and < 500 ? CliException.Usage(message) : CliException.Runtime(message);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    public void Dispose() => http.Dispose();
}
