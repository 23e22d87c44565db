using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Libraries;

namespace GuardCluster.Cli.Commands;

/// <summary>Options shared by several commands, with their validation, so every command spells them alike.</summary>
public static class CommonOptions
{
    public const string DemoModelName = "demo";

    public static Option<string> Input() => new("--input", "-i")
    {
        Description = "Guard input JSON file, or - to read standard input",
        HelpName = "FILE|-",
        Required = true,
    };

    public static Option<string> Model(bool required) => new("--model", "-m")
    {
        Description = "GGUF model file, or 'demo' for the built-in demo model",
        HelpName = "PATH|demo",
        Required = required,
    };

    public static Option<double?> Threshold() => new("--threshold")
    {
        Description = "Decide unsafe when P(unsafe) >= X (0..1); default: the model's own answer",
        HelpName = "X",

        // A parser rather than a validator: it owns both "not a number" and "out of range" messages.
        CustomParser = r => double.TryParse(Token(r), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x is >= 0 and <= 1
            ? x
            : Fail<double>(r, "--threshold must be a number between 0 and 1"),
    };

    public static Option<int?> PositiveInt(string name, string description, string helpName = "N", int minimum = 1) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r => int.TryParse(Token(r), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : Fail<int>(r, $"{name} must be an integer of at least {minimum}"),
    };

    public static Option<double?> PositiveSeconds(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "SECONDS",
        CustomParser = r => double.TryParse(Token(r), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 && x <= 3600
            ? x
            : Fail<double>(r, $"{name} must be a number of seconds above 0 and at most 3600"),
    };

    /// <summary><c>--json</c>: the command's result as one JSON document on stdout (shapes in docs/cli.md).</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON (shapes in docs/cli.md)" };

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static T? Fail<T>(ArgumentResult result, string message)
        where T : struct
    {
        result.AddError($"{message} (got '{Token(result)}')");
        return null;
    }

    /// <summary>"demo" means the cached demo model; anything else must be an existing file.</summary>
    public static string ResolveModel(string value, IGuardLibraries libraries) =>
        value == DemoModelName ? libraries.EnsureDemoModel() : InputFiles.RequireExistingFile(value, "model file");
}

/// <summary>The engine knobs (<c>--threads --ctx --gpu-layers</c>) as one reusable group.</summary>
public sealed class EngineOptionSet
{
    public Option<int?> Threads { get; } = CommonOptions.PositiveInt("--threads", "CPU threads for inference (default: engine's choice)");

    public Option<int?> ContextSize { get; } = CommonOptions.PositiveInt("--ctx", "Context size in tokens (default: engine's choice)");

    public Option<int?> GpuLayers { get; } = CommonOptions.PositiveInt("--gpu-layers", "Layers to offload to the GPU (0 = CPU only)", minimum: 0);

    public void AddTo(Command command)
    {
        command.Add(Threads);
        command.Add(ContextSize);
        command.Add(GpuLayers);
    }

    public EngineSettings Settings(ParseResult result, string modelPath, int? maxSequences = null) =>
        new(modelPath, result.GetValue(ContextSize), result.GetValue(Threads), result.GetValue(GpuLayers), maxSequences);
}
