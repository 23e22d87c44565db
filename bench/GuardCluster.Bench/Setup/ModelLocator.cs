using System.Diagnostics;
using GuardCluster.Models;

namespace GuardCluster.Bench.Setup;

/// <summary>
/// Finds the model to benchmark: an explicit path, the demo model, or the synthetic Llama-Guard-3-1B-shaped model
/// with the real Llama 3 vocabulary, generated once into the model cache (never into the repository).
/// </summary>
public static class ModelLocator
{
    public const string SyntheticFileName = "llama-guard-3-1b-shape-synthetic-q8_0-seed1.gguf";

    /// <summary>The same random weights plus the demo guard's answer circuit (<see cref="SyntheticModelOptions.ScriptedAnswers"/>).</summary>
    public static readonly string ScriptedFileName = $"llama-guard-3-1b-shape-scripted-v{SyntheticModel.ScriptedAnswersVersion}-q8_0-seed1.gguf";

    public static BenchModel Resolve(BenchOptions options, TextWriter log)
    {
        if (options.ModelPath is { } path)
        {
            if (!File.Exists(path))
            {
                throw new BenchSetupException($"model file not found: {path}");
            }

            return new BenchModel(System.IO.Path.GetFullPath(path), System.IO.Path.GetFileName(path), IsDemo: false);
        }

        if (options.Quick || options.Demo)
        {
            return Demo();
        }

        return Synthetic(log, scripted: !options.RandomAnswers, options.Layers);
    }

    public static BenchModel Demo() =>
        new(DemoModel.EnsureCached(), "demo toy Llama Guard (1 layer, 16 dims, F32)", IsDemo: true);

    public static string CacheDirectory()
    {
        var env = Environment.GetEnvironmentVariable(DemoModel.CacheEnvironmentVariable);
        return !string.IsNullOrWhiteSpace(env)
            ? env
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "guardcluster");
    }

    private static BenchModel Synthetic(TextWriter log, bool scripted, int layers)
    {
        var dir = CacheDirectory();
        Directory.CreateDirectory(dir);
        var name = scripted ? ScriptedFileName : SyntheticFileName;
        var slice = layers == 16 ? string.Empty : $", {layers} of its 16 layers";
        if (layers != 16)
        {
            name = name.Replace(".gguf", $"-{layers}layers.gguf", StringComparison.Ordinal);
        }

        var path = System.IO.Path.Combine(dir, name);
        var description = scripted
            ? $"synthetic Llama-Guard-3-1B shape{slice} (random Q8_0 weights + scripted Llama Guard answers, real Llama 3 vocabulary)"
            : $"synthetic Llama-Guard-3-1B shape{slice} (random Q8_0 weights, random answers, real Llama 3 vocabulary)";
        if (File.Exists(path))
        {
            return new BenchModel(path, description, IsDemo: false, IsSynthetic: true);
        }

        var tokenizer = Llama3Tokenizer.EnsureCached(dir, log);
        log.WriteLine($"generating {path} ({(layers == 16 ? "~1.3 GB" : $"{layers} layers")}, once) ...");
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        var watch = Stopwatch.StartNew();
        try
        {
            SyntheticModel.Write(temp, new SyntheticModelOptions { TokenizerJsonPath = tokenizer, Seed = 1, ScriptedAnswers = scripted, BlockCount = layers });
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        log.WriteLine($"generated in {watch.Elapsed.TotalSeconds:F1} s");
        return new BenchModel(path, description, IsDemo: false, IsSynthetic: true);
    }
}
