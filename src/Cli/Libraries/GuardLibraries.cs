using System.Globalization;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Serialization;
using GuardCluster.Core.Verdicts;
using GuardCluster.Engine;
using GuardCluster.Models;
using GuardCluster.Models.Gguf;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Cli.Libraries;

/// <summary>The real binding of <see cref="IGuardLibraries"/> to GuardCluster.Core, .Engine and .Models.</summary>
public sealed class GuardLibraries : IGuardLibraries
{
    public (Conversation Conversation, SafetyPolicy Policy) ParseInput(string json)
    {
        var input = GuardInputJson.Parse(json);
        return (input.Conversation, input.Policy);
    }

    public RenderedPrompt RenderPrompt(Conversation conversation, SafetyPolicy policy) => LlamaGuardPrompt.Render(conversation, policy);

    public string SerializeVerdict(GuardVerdict verdict) => VerdictJson.Serialize(verdict, indented: true);

    public async Task<IGuardEngine> LoadEngineAsync(EngineSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // Start from the engine's defaults so unset CLI options keep them.
        var defaults = new EngineOptions { ModelPath = settings.ModelPath };
        var options = defaults with
        {
            ContextSize = settings.ContextSize ?? defaults.ContextSize,
            Threads = settings.Threads ?? defaults.Threads,
            GpuLayers = settings.GpuLayers ?? defaults.GpuLayers,
            MaxSequences = settings.MaxSequences ?? defaults.MaxSequences,
        };
        return await LlamaGuardEngine.LoadAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false);
    }

    public string EnsureDemoModel() => DemoModel.EnsureCached();

    public void WriteDemoModel(string path) => DemoModel.Write(path);

    public void WriteSyntheticModel(string path, string? tokenizerJsonPath, ulong? seed, bool scriptedAnswers, IProgress<double> progress)
    {
        var defaults = new SyntheticModelOptions();
        SyntheticModel.Write(
            path, defaults with { TokenizerJsonPath = tokenizerJsonPath, Seed = seed ?? defaults.Seed, ScriptedAnswers = scriptedAnswers }, progress);
    }

    public ModelDescription DescribeModel(string path)
    {
        var s = GgufModelSummary.Read(path);
        var tensorTypes = string.Join(", ", s.TensorTypeCounts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} x{kv.Value}"));
        List<KeyValuePair<string, string>> facts =
        [
            new("architecture", s.Architecture ?? "-"),
            new("name", s.Name ?? "-"),
            new("file size", $"{Format(s.FileSizeBytes)} bytes"),
            new("gguf version", Format(s.GgufVersion)),
            new("parameters", Format(s.ParameterCount)),
            new("quantisation", s.FileType ?? "-"),
            new("tensor types", $"{tensorTypes} ({s.TensorCount} tensors)"),
            new("context length", Format(s.ContextLength)),
            new("embedding length", Format(s.EmbeddingLength)),
            new("blocks", Format(s.BlockCount)),
            new("heads", Format(s.HeadCount)),
            new("kv heads", Format(s.HeadCountKv)),
            new("feed-forward length", Format(s.FeedForwardLength)),
            new("rope freq base", Format(s.RopeFreqBase)),
            new("vocab size", Format(s.VocabSize)),
            new("tokenizer", $"{s.TokenizerModel ?? "-"} (pre {s.TokenizerPre ?? "-"})"),
        ];
        var json = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["architecture"] = s.Architecture,
            ["name"] = s.Name,
            ["file_size_bytes"] = s.FileSizeBytes,
            ["gguf_version"] = s.GgufVersion,
            ["parameters"] = s.ParameterCount,
            ["quantisation"] = s.FileType,
            ["tensor_count"] = s.TensorCount,
            ["tensor_types"] = s.TensorTypeCounts.OrderByDescending(kv => kv.Value).ToDictionary(kv => kv.Key.ToString(), kv => kv.Value, StringComparer.Ordinal),
            ["context_length"] = s.ContextLength,
            ["embedding_length"] = s.EmbeddingLength,
            ["blocks"] = s.BlockCount,
            ["heads"] = s.HeadCount,
            ["kv_heads"] = s.HeadCountKv,
            ["feed_forward_length"] = s.FeedForwardLength,
            ["rope_freq_base"] = s.RopeFreqBase,
            ["vocab_size"] = s.VocabSize,
            ["tokenizer_model"] = s.TokenizerModel,
            ["tokenizer_pre"] = s.TokenizerPre,
            ["chat_template"] = s.ChatTemplate,
        };
        return new ModelDescription(facts, s.ChatTemplate, json);
    }

    private static string Format(IFormattable? value) => value?.ToString(null, CultureInfo.InvariantCulture) ?? "-";
}
