using System.Net;
using System.Text.Json.Nodes;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Admin;

/// <summary><c>guardctl tenants ...</c> in-process against a real host on loopback (real HTTP, real grains).</summary>
[Collection(GuardHostCollection.Name)]
public sealed class TenantsCommandTests(GuardHostFixture host) : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static string NewTenantId() => "cli-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_tenant_goes_through_its_whole_life_from_the_cli()
    {
        var id = NewTenantId();

        // create: the key is printed once, clearly, and works.
        var created = await host.AdminAsync("tenants", "create", id);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal("", created.Stderr);
        Assert.Contains($"created tenant {id}", created.Stdout, StringComparison.Ordinal);
        Assert.Contains("shown only once", created.Stdout, StringComparison.Ordinal);
        var firstKey = KeyFrom(created.Stdout);
        Assert.Equal(HttpStatusCode.OK, await PolicyStatusAsync(firstKey));

        // show: human lines, then the server's JSON.
        var shown = await host.AdminAsync("tenants", "show", id);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains($"id: {id}", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("key_count: 1", shown.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"requests_per_minute\s+\d+\s+\(server default\)", shown.Stdout);
        var shownJson = JsonNode.Parse((await host.AdminAsync("tenants", "show", id, "--json")).Stdout)!;
        Assert.Equal(id, shownJson["id"]!.GetValue<string>());
        Assert.Equal(1, shownJson["policy_version"]!.GetValue<int>());

        // limits set (replaces the quota) / show.
        var limitsSet = await host.AdminAsync("tenants", "limits", "set", id, "requests_per_minute=100", "max_turns=7");
        Assert.Equal(0, limitsSet.ExitCode);
        Assert.Matches(@"requests_per_minute\s+100\r?\n", limitsSet.Stdout);
        var limitsJson = JsonNode.Parse((await host.AdminAsync("tenants", "limits", "show", id, "--json")).Stdout)!;
        Assert.Equal(100, limitsJson["requests_per_minute"]!["value"]!.GetValue<int>());
        Assert.False(limitsJson["requests_per_minute"]!["is_default"]!.GetValue<bool>());
        Assert.Equal(7, limitsJson["max_turns"]!["value"]!.GetValue<int>());
        Assert.True(limitsJson["tokens_per_minute"]!["is_default"]!.GetValue<bool>());

        // policy set from a file, passed through as-is; show reads it back.
        var policyFile = temp.File("policy.json");
        await File.WriteAllTextAsync(policyFile, """{"threshold": 0.4, "excluded_category_keys": ["S6"]}""");
        var policySet = await host.AdminAsync("tenants", "policy", "set", id, "--file", policyFile);
        Assert.Equal(0, policySet.ExitCode);
        Assert.Contains("version: 2", policySet.Stdout, StringComparison.Ordinal);
        Assert.Contains("threshold: 0.4", policySet.Stdout, StringComparison.Ordinal);
        Assert.Contains("excluded_category_keys: S6", policySet.Stdout, StringComparison.Ordinal);
        var policyJson = JsonNode.Parse((await host.AdminAsync("tenants", "policy", "show", id, "--json")).Stdout)!;
        Assert.Equal(2, policyJson["version"]!.GetValue<int>());
        Assert.Equal(0.4, policyJson["threshold"]!.GetValue<double>());
        Assert.Equal(100, policyJson["quotas"]!["requests_per_minute"]!.GetValue<int>());

        // --if-version: a stale version is refused and changes nothing.
        var stale = await host.AdminAsync("tenants", "policy", "set", id, "--file", policyFile, "--if-version", "1");
        Assert.Equal(2, stale.ExitCode);
        Assert.Equal("", stale.Stdout);
        var staleLine = Assert.Single(stale.ErrorLines);
        Assert.StartsWith("error: ", staleLine, StringComparison.Ordinal);
        Assert.EndsWith("(precondition_failed, HTTP 412)", staleLine, StringComparison.Ordinal);
        var current = await host.AdminAsync("tenants", "policy", "set", id, "--file", policyFile, "--if-version", "2", "--json");
        Assert.Equal(3, JsonNode.Parse(current.Stdout)!["version"]!.GetValue<int>());

        // keys rotate: a new key that works; the old one stops working.
        var rotated = await host.AdminAsync("tenants", "keys", "rotate", id, "--json");
        Assert.Equal(0, rotated.ExitCode);
        var rotatedJson = JsonNode.Parse(rotated.Stdout)!;
        Assert.Equal(id, rotatedJson["id"]!.GetValue<string>());
        var secondKey = rotatedJson["api_key"]!.GetValue<string>();
        Assert.NotEqual(firstKey, secondKey);
        Assert.Equal(HttpStatusCode.OK, await PolicyStatusAsync(secondKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await PolicyStatusAsync(firstKey));

        // delete, then the tenant is gone.
        var deleted = await host.AdminAsync("tenants", "delete", id);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal($"deleted tenant {id}", deleted.Stdout.Trim());
        var gone = await host.AdminAsync("tenants", "show", id);
        Assert.Equal(2, gone.ExitCode);
        Assert.Equal($"error: Tenant '{id}' does not exist. (tenant_not_found at id, HTTP 404)", Assert.Single(gone.ErrorLines));
    }

    [Fact]
    public async Task List_shows_every_tenant_and_drops_deleted_ones()
    {
        var ids = new[] { NewTenantId(), NewTenantId() };
        foreach (var id in ids)
        {
            Assert.Equal(0, (await host.AdminAsync("tenants", "create", id)).ExitCode);
        }

        var listed = await host.AdminAsync("tenants", "list");
        Assert.Equal(0, listed.ExitCode);
        Assert.All(ids, id => Assert.Contains(id + "\t", listed.Stdout, StringComparison.Ordinal));
        Assert.Matches(@"\d+ tenant\(s\)", listed.Stdout);

        Assert.Equal(0, (await host.AdminAsync("tenants", "delete", ids[0])).ExitCode);
        var json = JsonNode.Parse((await host.AdminAsync("tenants", "list", "--json")).Stdout)!;
        var listedIds = json["data"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(ids[0], listedIds);
        Assert.Contains(ids[1], listedIds);
        Assert.Equal(listedIds.Count, json["total"]!.GetValue<int>());
        Assert.Equal(listedIds.Order(StringComparer.Ordinal), listedIds);
    }

    [Fact]
    public async Task Json_output_of_create_and_delete_has_the_documented_shape()
    {
        var id = NewTenantId();

        var created = await host.AdminAsync("tenants", "create", id, "--json");
        var deleted = await host.AdminAsync("tenants", "delete", id, "--json");

        Assert.Equal(0, created.ExitCode);
        var createdJson = JsonNode.Parse(created.Stdout)!.AsObject();
        Assert.Equal(["id", "api_key"], createdJson.Select(p => p.Key));
        Assert.Equal(id, createdJson["id"]!.GetValue<string>());
        Assert.Equal(0, deleted.ExitCode);
        var deletedJson = JsonNode.Parse(deleted.Stdout)!;
        Assert.Equal(id, deletedJson["id"]!.GetValue<string>());
        Assert.True(deletedJson["deleted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Policy_set_reads_standard_input_and_reports_server_validation_as_one_line()
    {
        var id = NewTenantId();
        Assert.Equal(0, (await host.AdminAsync("tenants", "create", id)).ExitCode);

        var fromStdin = await host.AdminWithStdinAsync("""{"threshold": 0.25}""", "tenants", "policy", "set", id, "-f", "-", "--json");
        var invalid = await host.AdminWithStdinAsync("""{"threshold": 7}""", "tenants", "policy", "set", id, "-f", "-");
        var unknownField = await host.AdminWithStdinAsync("""{"colour": "red"}""", "tenants", "policy", "set", id, "-f", "-");
        var notJson = await host.AdminWithStdinAsync("{threshold", "tenants", "policy", "set", id, "-f", "-");

        Assert.Equal(0.25, JsonNode.Parse(fromStdin.Stdout)!["threshold"]!.GetValue<double>());
        Assert.Equal(2, invalid.ExitCode);
        Assert.Matches(@"^error: .*threshold.* \([a-z_]+ at threshold, HTTP 4\d\d\)$", Assert.Single(invalid.ErrorLines));
        Assert.Equal(2, unknownField.ExitCode);
        Assert.Matches(@"^error: .*\(unknown_field at [a-z_.]+, HTTP 400\)$", Assert.Single(unknownField.ErrorLines));
        Assert.Equal(2, notJson.ExitCode);
        Assert.StartsWith("error: policy file is not valid JSON", Assert.Single(notJson.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_set_checks_its_pairs_and_the_server_checks_the_names()
    {
        var id = NewTenantId();
        Assert.Equal(0, (await host.AdminAsync("tenants", "create", id)).ExitCode);

        var malformed = await host.AdminAsync("tenants", "limits", "set", id, "requests_per_minute");
        var notNumber = await host.AdminAsync("tenants", "limits", "set", id, "max_turns=lots");
        var unknown = await host.AdminAsync("tenants", "limits", "set", id, "requests_per_hour=5");
        var back = await host.AdminAsync("tenants", "limits", "set", id, "max_turns=default", "--json");

        Assert.Equal(2, malformed.ExitCode);
        Assert.Equal("error: expected NAME=VALUE, e.g. requests_per_minute=600 (got 'requests_per_minute')", Assert.Single(malformed.ErrorLines));
        Assert.Equal(2, notNumber.ExitCode);
        Assert.Equal("error: limit 'max_turns' must be an integer or 'default' (got 'lots')", Assert.Single(notNumber.ErrorLines));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Matches(@"^error: .*requests_per_hour.* \(unknown_field at [a-z_.]+, HTTP 400\)$", Assert.Single(unknown.ErrorLines));
        Assert.True(JsonNode.Parse(back.Stdout)!["max_turns"]!["is_default"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_wrong_admin_key_is_one_401_line_and_is_never_echoed()
    {
        const string wrongKey = "not-the-admin-key-5f2c9d";

        var result = await CliRunner.RunAsync("tenants", "show", "anyone", "--url", host.Url, "--admin-key", wrongKey);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.ErrorLines);
        Assert.Equal("error: The API key is not valid. (invalid_api_key, HTTP 401)", line);
        Assert.DoesNotContain(wrongKey, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_tenant_id_is_the_servers_422_line()
    {
        var result = await host.AdminAsync("tenants", "show", "Not_Valid!");

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"^error: Tenant ids are .* \(invalid_tenant_id at id, HTTP 422\)$", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task An_unreachable_url_is_one_runtime_error_line()
    {
        var url = $"http://127.0.0.1:{GuardHostFixture.FreePort()}";

        var result = await CliRunner.RunAsync("tenants", "show", "anyone", "--url", url, "--admin-key", "k", "--timeout", "10");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"error: cannot reach {url}/", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.com", "error: --url must be an http:// or https:// URL (got 'ftp://example.com')")]
    [InlineData("not a url", "error: --url must be an http:// or https:// URL (got 'not a url')")]
    public async Task A_bad_url_is_a_usage_error(string url, string expected)
    {
        var result = await CliRunner.RunAsync("tenants", "show", "anyone", "--url", url, "--admin-key", "k");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Without_an_admin_key_the_command_says_how_to_give_one()
    {
        var result = await CliRunner.RunAsync("tenants", "show", "anyone", "--url", host.Url);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: the admin key is required: pass --admin-key or set GUARD_ADMIN_KEY", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Url_and_admin_key_default_to_GUARD_URL_and_GUARD_ADMIN_KEY()
    {
        var id = NewTenantId();
        var environment = new Dictionary<string, string> { ["GUARD_URL"] = host.Url, ["GUARD_ADMIN_KEY"] = GuardHostFixture.AdminKey };

        var created = await CliRunner.RunAsync(new FakeLibraries(), "", environment, "tenants", "create", id, "--json");

        Assert.Equal(0, created.ExitCode);
        Assert.Equal(id, JsonNode.Parse(created.Stdout)!["id"]!.GetValue<string>());
    }

    private static string KeyFrom(string stdout) =>
        stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("api key: ", StringComparison.Ordinal))["api key: ".Length..];

    private async Task<HttpStatusCode> PolicyStatusAsync(string key)
    {
        using var client = host.Client(key);
        using var response = await client.GetAsync(new Uri("v1/policy", UriKind.Relative));
        return response.StatusCode;
    }
}
