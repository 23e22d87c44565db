using System.CommandLine;
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

    public static Option<double?> Threshold()
    {
        var option = new Option<double?>("--threshold")
        {
            Description = "Decide unsafe when P(unsafe) >= X (0..1); default: the model's own answer",
            HelpName = "X",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } x && !(x >= 0 && x <= 1))
            {
                result.AddError("--threshold must be between 0 and 1");
            }
        });
        return option;
    }

    public static Option<int?> PositiveInt(string name, string description, string helpName = "N", int minimum = 1)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n < minimum)
            {
                result.AddError($"{name} must be at least {minimum}");
            }
        });
        return option;
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
