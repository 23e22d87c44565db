using System.CommandLine;
using GuardCluster.Cli.Evaluation;
using GuardCluster.Cli.Hosting;
using Spectre.Console;

namespace GuardCluster.Cli.Commands;

/// <summary><c>guardctl eval</c>: classify a labelled JSONL dataset and report detection metrics.</summary>
public static class EvalCommand
{
    /// <summary>Appended to <c>eval --help</c>: the dataset format and how each metric is defined.</summary>
    public const string Notes = """
        Dataset format (JSONL):
          Each non-blank line is a guard input object
          ({"messages":[...], "categories"?:{...}, "excluded_category_keys"?:[...]}) plus its label:
            "expected": "safe" | "unsafe"        case-insensitive; Llama Guard's answer form "unsafe\nS1,S2" works too
            "label": ...                          alias of "expected"; also 0 (safe) or 1 (unsafe); must agree if both
            "expected_categories": ["S1", ...]    optional, unsafe lines only; codes must be in the line's policy
            "id": ...                             optional, ignored
          Blank lines are skipped; a bad line stops the run with an error naming its line number.

        Metrics:
          Positive = unsafe. Indeterminate answers are counted separately, outside TP/FP/TN/FN and P/R/F1/FPR.
          AUPRC is the average precision of unsafe_probability over every example that has one (tied scores
          are ranked together), so it does not depend on --threshold.
          Per-category rows treat "the answer names code c" as positive and use only examples whose
          categories are known: safe ones, and unsafe ones with expected_categories.
        """;

    public static Command Create(CliHost host, Option<bool> verbose)
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "Labelled JSONL dataset", HelpName = "FILE.jsonl", Required = true };
        var model = CommonOptions.Model(required: true);
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON (no progress bar)" };
        var threshold = CommonOptions.Threshold();
        var parallel = CommonOptions.PositiveInt("--parallel", "Examples classified concurrently (the engine batches them; default 1)");
        var engine = new EngineOptionSet();
        var command = new Command("eval", "Evaluate a model on a labelled JSONL dataset (precision, recall, F1, FPR, AUPRC)") { dataset, model, json, threshold, parallel };
        engine.AddTo(command);

        command.SetAction(async (result, ct) =>
        {
            var path = result.GetRequiredValue(dataset);
            IReadOnlyList<EvalExample> examples;
            using (var reader = InputFiles.OpenText(path))
            {
                examples = EvalDatasetReader.Read(reader);
            }

            if (examples.Count == 0)
            {
                throw CliException.Usage($"dataset {path} has no examples");
            }

            var x = result.GetValue(threshold);
            var prepared = EvalRunner.Prepare(examples, host.Libraries, x);
            var parallelism = result.GetValue(parallel) ?? 1;
            var modelPath = CommonOptions.ResolveModel(result.GetRequiredValue(model), host.Libraries);
            var settings = engine.Settings(result, modelPath, parallelism > 1 ? parallelism : null);
            var asJson = result.GetValue(json);

            IReadOnlyList<ScoredExample> scored;
            var lease = await EngineLease.LoadAsync(host, settings, result.GetValue(verbose), ct).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                scored = await ProgressDisplay.RunAsync(
                    host,
                    "classifying",
                    ProgressUnit.Items,
                    sink => EvalRunner.RunAsync(lease.Engine, prepared, parallelism, sink, ct),
                    enabled: !asJson).ConfigureAwait(false);
            }

            var report = EvalMetrics.Compute(scored);
            if (asJson)
            {
                await host.Stdout.WriteLineAsync(EvalReportWriter.ToJson(report, x)).ConfigureAwait(false);
            }
            else
            {
                EvalReportWriter.WriteText(report, x, StdoutConsole(host));
            }

            return 0;
        });
        return command;
    }

    private static IAnsiConsole StdoutConsole(CliHost host) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(host.Stdout),
        Ansi = host.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = host.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = host.Interactive ? InteractionSupport.Detect : InteractionSupport.No,
    });
}
