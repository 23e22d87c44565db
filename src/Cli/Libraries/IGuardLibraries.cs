using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Verdicts;
using GuardCluster.Engine;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Cli.Libraries;

/// <summary>
/// The CLI's only door to Core serialization, the engine and the model tools. Commands depend on this so they
/// run in-process under test with fakes, and so the binding to the real libraries lives in one file.
/// </summary>
public interface IGuardLibraries
{
    /// <summary>Parses and validates the guard input JSON; throws <c>GuardValidationException</c>.</summary>
    (Conversation Conversation, SafetyPolicy Policy) ParseInput(string json);

    RenderedPrompt RenderPrompt(Conversation conversation, SafetyPolicy policy);

    string SerializeVerdict(GuardVerdict verdict);

    Task<IGuardEngine> LoadEngineAsync(EngineSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken);

    /// <summary>Path of the cached demo model, writing it first if needed.</summary>
    string EnsureDemoModel();

    void WriteDemoModel(string path);

    /// <summary>Writes the 1B-shaped random model; <paramref name="scriptedAnswers"/> plants the demo's answer circuit.</summary>
    void WriteSyntheticModel(string path, string? tokenizerJsonPath, ulong? seed, bool scriptedAnswers, IProgress<double> progress);

    ModelDescription DescribeModel(string path);
}

/// <summary>Engine knobs the CLI exposes; null keeps the engine's default.</summary>
public sealed record EngineSettings(string ModelPath, int? ContextSize = null, int? Threads = null, int? GpuLayers = null, int? MaxSequences = null);

/// <summary>
/// <c>model info</c> output: ordered name/value facts for people, the chat template when the file has one, and
/// <paramref name="Json"/>: the same facts typed (numbers as numbers) under snake_case names for <c>--json</c>.
/// </summary>
public sealed record ModelDescription(IReadOnlyList<KeyValuePair<string, string>> Facts, string? ChatTemplate, IReadOnlyDictionary<string, object?> Json);
