using System.CommandLine;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Commands;

/// <summary><c>guardctl model</c>: make, fetch and inspect GGUF model files.</summary>
public static class ModelCommand
{
    public static Command Create(CliHost host) => new("model", "Create, download and inspect GGUF model files")
    {
        Demo(host),
        Synth(host),
        ModelPullCommand.Create(host),
        Info(host),
    };

    private static Option<string> Out() => new("--out", "-o") { Description = "Destination file", HelpName = "PATH", Required = true };

    private static Command Demo(CliHost host)
    {
        var output = Out();
        var json = CommonOptions.Json();
        var command = new Command("demo", "Write the small built-in demo model (for trying the tool, not for real decisions)") { output, json };
        command.SetAction(async (result, ct) =>
        {
            var path = Path.GetFullPath(result.GetRequiredValue(output));
            host.Libraries.WriteDemoModel(path);
            await WroteAsync(host, path, result.GetValue(json)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Synth(CliHost host)
    {
        var output = Out();
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json whose vocabulary the model gets", HelpName = "FILE" };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for the random weights (same seed, same file)", HelpName = "N" };
        var scripted = new Option<bool>("--scripted-answers")
        {
            Description = "Plant the demo guard's answer circuit: same cost per token, but it answers like Llama Guard (what the benchmark uses)",
        };
        var json = CommonOptions.Json();
        var command = new Command("synth", "Write a synthetic Llama Guard-shaped model with random weights") { output, tokenizer, seed, scripted, json };
        command.SetAction(async (result, ct) =>
        {
            var path = Path.GetFullPath(result.GetRequiredValue(output));
            var tokenizerPath = result.GetValue(tokenizer) is { } t ? InputFiles.RequireExistingFile(t, "tokenizer file") : null;
            await ProgressDisplay.RunAsync(host, "synthesising", ProgressUnit.Fraction, async sink =>
            {
                // The writer is synchronous CPU work; run it off the caller so the bar keeps redrawing.
                await Task.Run(() => host.Libraries.WriteSyntheticModel(path, tokenizerPath, result.GetValue(seed), result.GetValue(scripted), new FractionProgress(sink)), ct)
                    .ConfigureAwait(false);
                return true;
            }, enabled: !result.GetValue(json)).ConfigureAwait(false);
            await WroteAsync(host, path, result.GetValue(json)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Info(CliHost host)
    {
        var file = new Argument<string>("PATH") { Description = "GGUF model file" };
        var json = CommonOptions.Json();
        var command = new Command("info", "Show a GGUF file's architecture, shape, quantisation, vocabulary and chat template") { file, json };
        command.SetAction(async (result, ct) =>
        {
            var path = InputFiles.RequireExistingFile(result.GetRequiredValue(file), "model file");
            var description = host.Libraries.DescribeModel(path);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(host.Stdout, description.Json).ConfigureAwait(false);
                return 0;
            }

            var width = description.Facts.Count == 0 ? 0 : description.Facts.Max(f => f.Key.Length) + 1;
            foreach (var (key, value) in description.Facts)
            {
                await host.Stdout.WriteLineAsync($"{(key + ":").PadRight(width)} {value}").ConfigureAwait(false);
            }

            if (description.ChatTemplate is { } template)
            {
                await host.Stdout.WriteLineAsync("chat template:").ConfigureAwait(false);
                await host.Stdout.WriteLineAsync(template).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>"wrote PATH (N bytes)", or with --json <c>{"path": ..., "bytes": N}</c>.</summary>
    private static Task WroteAsync(CliHost host, string path, bool json)
    {
        var bytes = new FileInfo(path).Length;
        return json
            ? JsonOutput.WriteAsync(host.Stdout, new WrittenModel(path, bytes))
            : host.Stdout.WriteLineAsync($"wrote {path} ({bytes} bytes)");
    }
}
