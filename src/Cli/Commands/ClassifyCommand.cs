using System.CommandLine;
using GuardCluster.Cli.Hosting;
using GuardCluster.Core;

namespace GuardCluster.Cli.Commands;

/// <summary><c>guardctl classify</c>: one guard input in, the verdict JSON out.</summary>
public static class ClassifyCommand
{
    public static Command Create(CliHost host, Option<bool> verbose)
    {
        var input = CommonOptions.Input();
        var model = CommonOptions.Model(required: true);
        var threshold = CommonOptions.Threshold();
        var engine = new EngineOptionSet();
        // The verdict is JSON either way; --json is accepted so scripts can pass it to every command alike.
        var jsonOutput = CommonOptions.Json();
        var command = new Command("classify", "Classify one guard input and print the verdict JSON") { input, model, threshold, jsonOutput };
        engine.AddTo(command);

        command.SetAction(async (result, ct) =>
        {
            // Validate the input before loading the model: a typo should not cost a model load.
            var json = await InputFiles.ReadTextAsync(result.GetRequiredValue(input), host.Stdin, ct).ConfigureAwait(false);
            InputFiles.RequireJson(json, "input");
            var (conversation, policy) = host.Libraries.ParseInput(json);
            if (result.GetValue(threshold) is { } x)
            {
                policy = policy with { Threshold = x };
            }

            var path = CommonOptions.ResolveModel(result.GetRequiredValue(model), host.Libraries);
            var lease = await EngineLease.LoadAsync(host, engine.Settings(result, path), result.GetValue(verbose), ct).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                var verdict = await lease.Engine.ClassifyAsync(new GuardRequest(conversation, policy), ct).ConfigureAwait(false);
                await host.Stdout.WriteLineAsync(host.Libraries.SerializeVerdict(verdict)).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
