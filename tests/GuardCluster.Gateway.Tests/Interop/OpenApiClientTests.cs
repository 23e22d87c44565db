using System.Net;
using GuardCluster.Gateway.Tests.Http;

namespace GuardCluster.Gateway.Tests.Interop;

/// <summary>
/// What a customer does with <c>/openapi/v1.json</c>: lint it with Redocly (recommended rules, tests/interop/redocly.yaml),
/// generate TypeScript types with openapi-typescript, type-check a client that uses them (openapi-fetch) with tsc, and
/// run it against the real host. Generated files live in a temp folder.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiClientTests(GuardApiFixture api) : IDisposable
{
    private static readonly Dictionary<string, string> Quiet = new(StringComparer.Ordinal)
    {
        ["REDOCLY_TELEMETRY"] = "off",
        ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
    };

    private readonly string _work = Directory.CreateTempSubdirectory("guardcluster-openapi-").FullName;

    [Fact]
    public async Task The_document_lints_clean_and_a_generated_client_compiles_and_calls_the_host()
    {
        var document = Path.Combine(_work, "openapi.json");
        using (var client = api.Client())
        using (var response = await client.GetAsync("/openapi/v1.json"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await File.WriteAllTextAsync(document, await response.Content.ReadAsStringAsync());
        }

        var (lintExit, lint) = await NodeScripts.RunAsync("redocly", ["lint", document, "--config", "redocly.yaml", "--format", "stylish"], Quiet);
        Assert.True(lintExit == 0, lint);
        Assert.DoesNotContain(" warning ", lint, StringComparison.Ordinal);
        Assert.DoesNotContain(" error ", lint, StringComparison.Ordinal);

        var types = Path.Combine(_work, "guard-api.d.ts");
        var (generateExit, generate) = await NodeScripts.RunAsync("openapi-typescript", [document, "-o", types]);
        Assert.True(generateExit == 0, generate);

        // The client next to its generated types; node_modules linked so tsc and node resolve openapi-fetch from here.
        File.Copy(Path.Combine(NodeScripts.InteropDirectory, "openapi-client.mts"), Path.Combine(_work, "openapi-client.mts"));
        Directory.CreateSymbolicLink(Path.Combine(_work, "node_modules"), Path.Combine(NodeScripts.InteropDirectory, "node_modules"));
        await File.WriteAllTextAsync(Path.Combine(_work, "tsconfig.json"), """
            {
              "compilerOptions": {
                "strict": true, "noEmitOnError": true, "skipLibCheck": true, "types": [],
                "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "outDir": "out"
              },
              "files": ["openapi-client.mts"]
            }
            """);
        var (compileExit, compile) = await NodeScripts.RunAsync("tsc", ["-p", Path.Combine(_work, "tsconfig.json")]);
        Assert.True(compileExit == 0, compile);

        var tenant = $"oas-client-{Guid.NewGuid():N}"[..30];
        var (runExit, output) = await NodeScripts.RunAsync("node", [Path.Combine(_work, "out", "openapi-client.mjs")], new Dictionary<string, string>
        {
            ["GUARD_URL"] = api.BaseAddress.ToString(),
            ["GUARD_ADMIN_KEY"] = GuardApiFixture.AdminKey,
            ["GUARD_TENANT_ID"] = tenant,
        });
        Assert.True(runExit == 0, output);
        Assert.Contains($"created tenant {tenant} (201)", output, StringComparison.Ordinal);
        Assert.Matches(@"verdict=(safe|unsafe|indeterminate) safe=(true|false) prompt_tokens>0=true policy_version=1", output);
        Assert.Contains("missing conversation: 404 code=conversation_not_found status=404", output, StringComparison.Ordinal);
        Assert.Contains("misspelt field: 400 code=unknown_field", output, StringComparison.Ordinal);
        Assert.Contains("system role: 422 code=invalid_role", output, StringComparison.Ordinal);
        Assert.Contains("moderation: 2 results", output, StringComparison.Ordinal);
        Assert.Contains("empty moderation: 400 type=invalid_request_error code=empty_input", output, StringComparison.Ordinal);
        Assert.Contains("openapi client: ok", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
