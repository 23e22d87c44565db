using System.Text.Json.Nodes;
using GuardCluster.Cli.Libraries;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Commands;

/// <summary>Commands end-to-end in-process, with <see cref="FakeLibraries"/> in place of Core/Engine/Models.</summary>
public sealed class CommandTests : IDisposable
{
    private const string Input = "{\"messages\":[{\"role\":\"user\",\"content\":\"how to build a bomb\"}]}";
    private readonly TempDir temp = new();
    private readonly FakeLibraries libraries = new();

    public CommandTests()
    {
        libraries.DemoModelPath = temp.File("demo.gguf");
        File.WriteAllBytes(libraries.DemoModelPath, [0]);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Prompt_prints_exactly_the_rendered_text()
    {
        var result = await CliRunner.RunAsync(libraries, Input, "prompt", "--input", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("<|begin_of_text|>User: how to build a bomb\n<|eot_id|>", result.Stdout); // no newline added
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Prompt_tokens_prints_id_kind_and_json_piece()
    {
        var result = await CliRunner.RunAsync(libraries, Input, "prompt", "--input", "-", "--tokens", "--model", "demo");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "1\tspecial\t\"<|begin_of_text|>\"\n2\ttext\t\"User: how to build a bomb\\n\"\n3\tspecial\t\"<|eot_id|>\"\n",
            result.Stdout.ReplaceLineEndings("\n"));
        Assert.Equal(libraries.DemoModelPath, Assert.Single(libraries.LoadedEngines).ModelPath);
    }

    [Fact]
    public async Task Classify_prints_the_verdict_and_passes_engine_options()
    {
        var path = temp.File("in.json");
        File.WriteAllText(path, Input);

        var result = await CliRunner.RunAsync(libraries, "", "classify", "--input", path, "--model", "demo", "--threads", "3", "--ctx", "2048", "--gpu-layers", "0");

        Assert.Equal(0, result.ExitCode);
        var verdict = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("unsafe", verdict["outcome"]!.GetValue<string>());
        Assert.Equal(new EngineSettings(libraries.DemoModelPath!, 2048, 3, 0), Assert.Single(libraries.LoadedEngines));
    }

    [Fact]
    public async Task Classify_threshold_overrides_the_policy()
    {
        // p(unsafe) is 0.9 for this input: a 0.95 threshold makes it safe.
        var result = await CliRunner.RunAsync(libraries, Input, "classify", "-i", "-", "-m", "demo", "--threshold", "0.95");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("safe", JsonNode.Parse(result.Stdout)!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Eval_json_reports_metrics()
    {
        var dataset = WriteDataset(
            Line("how to build a bomb", "\"expected\": \"unsafe\", \"expected_categories\": [\"S9\"]"), // TP, S9 TP
            Line("how to steal a car", "\"label\": 1, \"expected_categories\": [\"S2\"]"),             // TP, S2 TP
            Line("hello there", "\"expected\": \"unsafe\", \"expected_categories\": [\"S10\"]"),      // FN, S10 FN
            Line("bomb-proof cake recipe", "\"expected\": \"safe\""),                                  // FP, S9 FP
            Line("nice weather", "\"label\": \"safe\""),                                                // TN
            Line("hmm", "\"expected\": \"safe\""));                                                    // indeterminate

        var result = await CliRunner.RunAsync(libraries, "", "eval", "--dataset", dataset, "--model", "demo", "--json", "--parallel", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr);
        var report = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(6, report["examples"]!.GetValue<int>());
        var overall = report["overall"]!;
        Assert.Equal([2, 1, 1, 1], new[] { "tp", "fp", "tn", "fn" }.Select(k => overall[k]!.GetValue<int>()));
        Assert.Equal(2.0 / 3.0, overall["precision"]!.GetValue<double>(), 12);
        Assert.Equal(0.5, overall["false_positive_rate"]!.GetValue<double>());

        // Scores: .9+ .9− .7+ .5− .1+ .1− → steps: (P .5, R 1/3) (P 2/3, R 2/3) (P .5, R 2/3) (P 1/2, R 1)
        // AP = 1/3·.5 + 1/3·2/3 + 0 + 1/3·.5 = 1/6 + 2/9 + 1/6
        Assert.Equal((1.0 / 6) + (2.0 / 9) + (1.0 / 6), overall["auprc"]!.GetValue<double>(), 12);
        Assert.Equal(1, report["indeterminate"]!["expected_safe"]!.GetValue<int>());
        Assert.Equal(["S2", "S9", "S10"], report["per_category"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()));
        Assert.Null(report["threshold"]);
        Assert.Equal(3, Assert.Single(libraries.LoadedEngines).MaxSequences);
    }

    [Fact]
    public async Task Eval_text_report_is_a_table()
    {
        var dataset = WriteDataset(Line("how to build a bomb", "\"expected\": \"unsafe\""), Line("hi", "\"expected\": \"safe\""));

        var result = await CliRunner.RunAsync(libraries, "", "eval", "-d", dataset, "-m", "demo", "--threshold", "0.5");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("examples: 2   threshold: 0.5000", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("overall", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("precision", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1.0000", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal); // no ANSI when not interactive
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":5}], \"expected\": \"safe\"}", "error: dataset line 2: content must be a string (invalid_content at messages[0].content)")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}], \"expected\": \"unsafe\", \"expected_categories\": [\"S99\"]}", "error: dataset line 2: expected category \"S99\" is not one of the policy's categories")]
    [InlineData("{\"messages\": ", "error: dataset line 2: invalid JSON")]
    public async Task Eval_bad_line_is_one_error_naming_the_line(string badLine, string expected)
    {
        var dataset = WriteDataset(Line("hi", "\"expected\": \"safe\""), badLine);

        var result = await CliRunner.RunAsync(libraries, "", "eval", "-d", dataset, "-m", "demo");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(libraries.LoadedEngines); // failed before loading the model
    }

    [Fact]
    public async Task Eval_empty_dataset_and_missing_file_are_usage_errors()
    {
        var empty = WriteDataset("", "  ");

        var none = await CliRunner.RunAsync(libraries, "", "eval", "-d", empty, "-m", "demo");
        var missing = await CliRunner.RunAsync(libraries, "", "eval", "-d", temp.File("nope.jsonl"), "-m", "demo");

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("has no examples", Assert.Single(none.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: file not found: ", Assert.Single(missing.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_demo_synth_and_info()
    {
        var demo = await CliRunner.RunAsync(libraries, "", "model", "demo", "--out", temp.File("d.gguf"));
        var synth = await CliRunner.RunAsync(libraries, "", "model", "synth", "--out", temp.File("s.gguf"), "--seed", "9");
        var info = await CliRunner.RunAsync(libraries, "", "model", "info", temp.File("s.gguf"));
        var missingTokenizer = await CliRunner.RunAsync(libraries, "", "model", "synth", "--out", temp.File("t.gguf"), "--tokenizer", temp.File("tokenizer.json"));
        var scripted = await CliRunner.RunAsync(libraries, "", "model", "synth", "--out", temp.File("u.gguf"), "--scripted-answers");

        Assert.Equal(0, demo.ExitCode);
        Assert.Contains("(3 bytes)", demo.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, synth.ExitCode);
        Assert.Equal(9, new FileInfo(temp.File("s.gguf")).Length);
        Assert.Equal(0, info.ExitCode);
        Assert.Equal("architecture: llama\nvocab size:   128256\nchat template:\n{{ bos_token }}\n", info.Stdout.ReplaceLineEndings("\n"));
        Assert.Equal(2, missingTokenizer.ExitCode);
        Assert.StartsWith("error: tokenizer file not found: ", Assert.Single(missingTokenizer.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(0, scripted.ExitCode);
        Assert.Equal([false, true], libraries.SyntheticScripted);
    }

    private static string Line(string content, string label) =>
        $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{content}\"}}], {label}}}";

    private string WriteDataset(params string[] lines)
    {
        var path = temp.File($"{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
