using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Admin;

/// <summary>What a GuardCluster host never answers, but a proxy, a wrong URL or a stuck host can: still one error line each.</summary>
public sealed class AdminTransportTests
{
    private const string Key = "transport-test-admin-key";

    [Fact]
    public async Task An_html_error_page_is_its_status_line_and_exit_1()
    {
        await using var server = new CannedHttpServer(503, "text/html", "<html><body>Service Unavailable</body></html>");

        var result = await CliRunner.RunAsync("tenants", "show", "acme", "--url", server.Url, "--admin-key", Key);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("error: Service Unavailable (HTTP 503)", Assert.Single(result.ErrorLines));
        Assert.Equal($"Bearer {Key}", server.LastAuthorization);
        Assert.DoesNotContain(Key, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_problem_is_its_detail_and_code_and_exit_1()
    {
        await using var server = new CannedHttpServer(
            500, "application/problem+json", """{"status":500,"title":"Internal Server Error","detail":"The storage is down.","code":"storage_unavailable"}""");

        var result = await CliRunner.RunAsync("tenants", "keys", "rotate", "acme", "--url", server.Url, "--admin-key", Key);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: The storage is down. (storage_unavailable, HTTP 500)", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task A_page_that_is_not_json_says_the_url_may_be_wrong()
    {
        await using var server = new CannedHttpServer(200, "text/html", "<html>welcome</html>");

        var result = await CliRunner.RunAsync("tenants", "show", "acme", "--url", server.Url, "--admin-key", Key);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("with a body that is not JSON; is --url a GuardCluster API host?", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_never_answers_is_a_timeout_line()
    {
        await using var server = new CannedHttpServer(200, "application/json", "{}", hang: true);

        var result = await CliRunner.RunAsync("tenants", "show", "acme", "--url", server.Url, "--admin-key", Key, "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: no answer from {server.Url}/ within 1 s", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task A_timeout_that_is_not_a_positive_number_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("tenants", "show", "acme", "--admin-key", Key, "--timeout", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --timeout must be a number of seconds above 0 and at most 3600 (got '0') (see 'guardctl tenants show --help')", Assert.Single(result.ErrorLines));
    }
}
