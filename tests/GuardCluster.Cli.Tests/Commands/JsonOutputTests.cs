using System.Text.Json.Nodes;
using GuardCluster.Cli.Libraries;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Commands;

/// <summary>
/// <c>--json</c> on the local commands: one JSON document on stdout in the shapes docs/cli.md lists. The prompt and model
/// tests use the real libraries (the demo model); the rest use <see cref="FakeLibraries"/>.
/// </summary>
public sealed class JsonOutputTests : IDisposable
{
    private const string Input = """{"messages":[{"role":"user","content":"hi <|eot_id|> there"}]}""";
    private readonly TempDir temp = new();
    private readonly GuardLibraries real = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Prompt_json_holds_the_same_text_as_the_plain_prompt()
    {
        var plain = await CliRunner.RunAsync(real, Input, "prompt", "-i", "-");
        var json = await CliRunner.RunAsync(real, Input, "prompt", "-i", "-", "--json");

        Assert.Equal(0, json.ExitCode);
        var document = JsonNode.Parse(json.Stdout)!.AsObject();
        Assert.Equal(["prompt", "warnings"], document.Select(p => p.Key));
        Assert.Equal(plain.Stdout, document["prompt"]!.GetValue<string>());
        Assert.NotEmpty(document["warnings"]!.AsArray()); // the injected <|eot_id|> is reported
        Assert.Contains("<|eot_id|>", json.Stdout, StringComparison.Ordinal); // relaxed escaping keeps it readable
    }

    [Fact]
    public async Task Prompt_tokens_json_lists_id_special_and_piece_for_each_token()
    {
        var lines = await CliRunner.RunAsync(real, Input, "prompt", "-i", "-", "--tokens", "-m", "demo");
        var json = await CliRunner.RunAsync(real, Input, "prompt", "-i", "-", "--tokens", "-m", "demo", "--json");

        Assert.Equal(0, json.ExitCode);
        var tokens = JsonNode.Parse(json.Stdout)!["tokens"]!.AsArray();
        var expected = lines.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Length, tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i]!;
            var fields = expected[i].Split('\t');
            Assert.Equal(int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), token["id"]!.GetValue<int>());
            Assert.Equal(fields[1] == "special", token["special"]!.GetValue<bool>());
            Assert.Equal(JsonNode.Parse(fields[2])!.GetValue<string>(), token["piece"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Model_demo_and_info_json_describe_the_written_file()
    {
        var path = temp.File("demo.gguf");

        var written = await CliRunner.RunAsync(real, "", "model", "demo", "--out", path, "--json");
        var info = await CliRunner.RunAsync(real, "", "model", "info", path, "--json");

        Assert.Equal(0, written.ExitCode);
        var file = JsonNode.Parse(written.Stdout)!;
        Assert.Equal(Path.GetFullPath(path), file["path"]!.GetValue<string>());
        Assert.Equal(new FileInfo(path).Length, file["bytes"]!.GetValue<long>());
        Assert.Equal(0, info.ExitCode);
        var model = JsonNode.Parse(info.Stdout)!;
        Assert.Equal("llama", model["architecture"]!.GetValue<string>());
        Assert.Equal(new FileInfo(path).Length, model["file_size_bytes"]!.GetValue<long>());
        Assert.True(model["vocab_size"]!.GetValue<long>() > 0);
        Assert.True(model["tensor_types"]!.AsObject().Count > 0);
        Assert.Contains("chat_template", model.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Model_pull_json_reports_path_size_checksum_and_resume()
    {
        var source = temp.File("source.bin");
        await File.WriteAllBytesAsync(source, [1, 2, 3, 4]);
        const string sha = "9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a";

        var result = await CliRunner.RunAsync(new FakeLibraries(), "", "model", "pull", source, "--out", temp.File("copy.bin"), "--sha256", sha, "--json");

        Assert.Equal(0, result.ExitCode);
        var pulled = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(["path", "bytes", "sha256", "checksum_verified", "resumed"], pulled.Select(p => p.Key));
        Assert.Equal(4, pulled["bytes"]!.GetValue<long>());
        Assert.Equal(sha, pulled["sha256"]!.GetValue<string>());
        Assert.True(pulled["checksum_verified"]!.GetValue<bool>());
        Assert.False(pulled["resumed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Db_init_print_cannot_be_json()
    {
        var result = await CliRunner.RunAsync("db", "init", "--print", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("error: --print writes SQL; it cannot be combined with --json", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Classify_accepts_json_and_prints_the_same_verdict_document()
    {
        var libraries = new FakeLibraries { DemoModelPath = temp.File("demo.gguf") };
        await File.WriteAllBytesAsync(libraries.DemoModelPath, [0]);

        var plain = await CliRunner.RunAsync(libraries, Input, "classify", "-i", "-", "-m", "demo");
        var json = await CliRunner.RunAsync(libraries, Input, "classify", "-i", "-", "-m", "demo", "--json");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(plain.Stdout, json.Stdout);
        Assert.NotNull(JsonNode.Parse(json.Stdout));
    }

    [Fact]
    public async Task Errors_with_json_stay_one_line_on_stderr_and_leave_stdout_empty()
    {
        var result = await CliRunner.RunAsync(real, "{", "prompt", "-i", "-", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: input is not valid JSON", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
