using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using GuardCluster.Cli.Hosting;
using GuardCluster.Engine;

namespace GuardCluster.Cli.Commands;

/// <summary><c>guardctl prompt</c>: the exact prompt text, or with --tokens the engine's token sequence for it.</summary>
public static class PromptCommand
{
    // Relaxed escaping keeps pieces like "<|eot_id|>" readable; the output is not embedded in HTML.
    private static readonly JsonSerializerOptions PieceJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliHost host, Option<bool> verbose)
    {
        var input = CommonOptions.Input();
        var tokens = new Option<bool>("--tokens") { Description = "Print one line per token: id<TAB>special|text<TAB>piece (JSON string); needs --model" };
        var model = CommonOptions.Model(required: false);
        var jsonOutput = CommonOptions.Json();
        var command = new Command("prompt", "Print the exact Llama Guard prompt for a guard input (no trailing newline)")
        {
            input,
            tokens,
            model,
            jsonOutput,
        };

        command.SetAction(async (result, ct) =>
        {
            var modelValue = result.GetValue(model);
            if (result.GetValue(tokens) && modelValue is null)
            {
                throw CliException.Usage("--tokens needs --model PATH|demo");
            }

            var json = await InputFiles.ReadTextAsync(result.GetRequiredValue(input), host.Stdin, ct).ConfigureAwait(false);
            InputFiles.RequireJson(json, "input");
            var (conversation, policy) = host.Libraries.ParseInput(json);
            var prompt = host.Libraries.RenderPrompt(conversation, policy);
            var asJson = result.GetValue(jsonOutput);
            foreach (var warning in prompt.Warnings)
            {
                await host.Stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            if (modelValue is null || !result.GetValue(tokens))
            {
                if (asJson)
                {
                    await JsonOutput.WriteAsync(host.Stdout, new PromptJson(prompt.Text, prompt.Warnings, null)).ConfigureAwait(false);
                }
                else
                {
                    await host.Stdout.WriteAsync(prompt.Text).ConfigureAwait(false);
                }

                return 0;
            }

            var path = CommonOptions.ResolveModel(modelValue, host.Libraries);
            var lease = await EngineLease.LoadAsync(host, new(path), result.GetValue(verbose), ct).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                var promptTokens = lease.Engine.Tokenize(prompt);
                if (asJson)
                {
                    var tokenJson = promptTokens.Select(t => new PromptTokenJson(t.Id, t.IsSpecial, t.Piece)).ToList();
                    await JsonOutput.WriteAsync(host.Stdout, new PromptJson(prompt.Text, prompt.Warnings, tokenJson)).ConfigureAwait(false);
                    return 0;
                }

                foreach (var token in promptTokens)
                {
                    await host.Stdout.WriteLineAsync(FormatToken(token)).ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    public static string FormatToken(PromptToken token) =>
        $"{token.Id}\t{(token.IsSpecial ? "special" : "text")}\t{JsonSerializer.Serialize(token.Piece, PieceJson)}";
}
