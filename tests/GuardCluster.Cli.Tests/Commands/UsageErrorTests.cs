using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Commands;

/// <summary>Usage and input errors: exit 2, exactly one <c>error:</c> line, never a stack trace.</summary>
public sealed class UsageErrorTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string[], string> MissingArguments => new()
    {
        { ["prompt"], "Option '--input' is required." },
        { ["classify", "--input", "x.json"], "Option '--model' is required." },
        { ["eval", "--model", "demo"], "Option '--dataset' is required." },
        { ["model"], "Required command was not provided." },
        { ["model", "pull", "http://127.0.0.1:1/m"], "Option '--out' is required." },
        { ["frobnicate"], "Unrecognized command or argument 'frobnicate'." },
        { ["classify", "-i", "x", "-m", "demo", "--threshold", "1.5"], "--threshold must be a number between 0 and 1 (got '1.5')" },
        { ["classify", "-i", "x", "-m", "demo", "--threads", "0"], "--threads must be an integer of at least 1 (got '0')" },
        { ["classify", "-i", "x", "-m", "demo", "--ctx", "many"], "--ctx must be an integer of at least 1 (got 'many')" },
        { ["classify", "-i", "x", "-m", "demo", "--threshold", "abc"], "--threshold must be a number between 0 and 1 (got 'abc')" },
        { ["classify", "-i", "x", "-m", "demo", "--threshold", "NaN"], "--threshold must be a number between 0 and 1" },
    };

    [Theory]
    [MemberData(nameof(MissingArguments))]
    public async Task Bad_command_lines_exit_2_with_one_line(string[] args, string message)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Contains("--help')", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("prompt")]
    [InlineData("classify")]
    public async Task Missing_input_file_is_a_usage_error(string command)
    {
        var path = temp.File("absent.json");

        var result = await CliRunner.RunAsync(command, "--input", path, "--model", "demo");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: input file not found: {path}", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Unreadable_input_path_is_a_usage_error()
    {
        // A directory cannot be read as a file (works the same as root, unlike chmod 000).
        var result = await CliRunner.RunAsync("prompt", "--input", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: cannot read {temp.Path}", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"messages\": [")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Malformed_json_is_a_usage_error(string json)
    {
        var path = temp.File("bad.json");
        File.WriteAllText(path, json);

        var fromFile = await CliRunner.RunAsync("classify", "--input", path, "--model", "demo");
        var fromStdin = await CliRunner.RunAsync(new FakeLibraries(), json, "prompt", "--input", "-");

        foreach (var result in new[] { fromFile, fromStdin })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith("error: input is not valid JSON: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
            Assert.DoesNotContain(" at GuardCluster", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validation_errors_show_message_code_and_path()
    {
        var result = await CliRunner.RunAsync(new FakeLibraries(), "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "prompt", "--input", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: content must be a string (invalid_content at messages[0].content)", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Missing_model_file_is_a_usage_error()
    {
        var input = temp.File("in.json");
        File.WriteAllText(input, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        var result = await CliRunner.RunAsync("classify", "--input", input, "--model", temp.File("nope.gguf"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: model file not found: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_without_a_model_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(new FakeLibraries(), "{}", "prompt", "--input", "-", "--tokens");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --tokens needs --model PATH|demo", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Unexpected_failures_are_one_line_with_exit_1()
    {
        // FakeLibraries.EnsureDemoModel throws InvalidOperationException when no demo path is set.
        var result = await CliRunner.RunAsync(new FakeLibraries(), "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "classify", "-i", "-", "-m", "demo");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: InvalidOperationException: no demo model in this test", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Help_exits_0_and_eval_help_documents_the_dataset_format()
    {
        var result = await CliRunner.RunAsync("eval", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Dataset format (JSONL):", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"label\"", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }
}
