using System.Text.Json;
using System.Text.Json.Nodes;
using GuardCluster.Cli.Libraries;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Verdicts;
using GuardCluster.Engine;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Cli.Tests.Support;

/// <summary>
/// Stands in for Core/Engine/Models so commands run end-to-end in tests: string contents only, default policy,
/// a one-line "prompt", and a <see cref="FakeEngine"/>.
/// </summary>
public sealed class FakeLibraries : IGuardLibraries
{
    public List<EngineSettings> LoadedEngines { get; } = [];

    public string? DemoModelPath { get; set; }

    public (Conversation Conversation, SafetyPolicy Policy) ParseInput(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new GuardValidationException("invalid_type", "input must be an object", "$");
        if (root["messages"] is not JsonArray messages || messages.Count == 0)
        {
            throw new GuardValidationException("missing_field", "messages must be a non-empty array", "messages");
        }

        var parsed = messages.Select((m, i) =>
        {
            var role = m?["role"]?.GetValue<string>() == "assistant" ? ChatRole.Assistant : ChatRole.User;
            var content = m?["content"] is JsonValue v && v.TryGetValue<string>(out var s)
                ? s
                : throw new GuardValidationException("invalid_content", "content must be a string", $"messages[{i}].content");
            return new ChatMessage(role, [content]);
        });
        return (new Conversation([.. parsed]), SafetyPolicy.Default);
    }

    public RenderedPrompt RenderPrompt(Conversation conversation, SafetyPolicy policy)
    {
        List<PromptPiece> pieces = [new(PromptPieceKind.Special, "<|begin_of_text|>")];
        foreach (var message in conversation.Messages)
        {
            pieces.Add(new(PromptPieceKind.Text, $"{message.Role}: {string.Join("\n", message.TextParts)}\n"));
        }

        pieces.Add(new(PromptPieceKind.Special, "<|eot_id|>"));
        return new RenderedPrompt(pieces, conversation.CheckedRole, []);
    }

    public string SerializeVerdict(GuardVerdict verdict) => JsonSerializer.Serialize(new
    {
        outcome = verdict.Outcome.ToString().ToLowerInvariant(),
        categories = verdict.Categories.Select(c => c.Code),
        unsafe_probability = verdict.UnsafeProbability,
    });

    public Task<IGuardEngine> LoadEngineAsync(EngineSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        LoadedEngines.Add(settings);
        return Task.FromResult<IGuardEngine>(new FakeEngine());
    }

    public string EnsureDemoModel() => DemoModelPath ?? throw new InvalidOperationException("no demo model in this test");

    public void WriteDemoModel(string path) => File.WriteAllBytes(path, [1, 2, 3]);

    public List<bool> SyntheticScripted { get; } = [];

    public void WriteSyntheticModel(string path, string? tokenizerJsonPath, ulong? seed, bool scriptedAnswers, IProgress<double> progress)
    {
        SyntheticScripted.Add(scriptedAnswers);
        progress.Report(0.5);
        File.WriteAllBytes(path, new byte[(int)(seed ?? 4)]);
        progress.Report(1);
    }

    public ModelDescription DescribeModel(string path) =>
        new(
            [new("architecture", "llama"), new("vocab size", "128256")],
            "{{ bos_token }}",
            new Dictionary<string, object?> { ["architecture"] = "llama", ["vocab_size"] = 128256L, ["chat_template"] = "{{ bos_token }}" });
}

/// <summary>
/// Decides by keyword in the last message: "bomb" → unsafe S9 (p 0.9), "steal" → unsafe S2 (p 0.7),
/// "hmm" → indeterminate (p 0.5), otherwise safe (p 0.1). A policy threshold overrides the outcome.
/// </summary>
public sealed class FakeEngine : IGuardEngine
{
    public string ModelName => "fake";

    public Task<GuardVerdict> ClassifyAsync(GuardRequest request, CancellationToken cancellationToken = default)
    {
        var text = string.Join(" ", request.Conversation.Messages[^1].TextParts);
        var (outcome, code, p) = text switch
        {
            _ when text.Contains("bomb", StringComparison.Ordinal) => (VerdictOutcome.Unsafe, "S9", 0.9),
            _ when text.Contains("steal", StringComparison.Ordinal) => (VerdictOutcome.Unsafe, "S2", 0.7),
            _ when text.Contains("hmm", StringComparison.Ordinal) => (VerdictOutcome.Indeterminate, null, 0.5),
            _ => (VerdictOutcome.Safe, null, 0.1),
        };
        if (request.Policy.Threshold is { } t && outcome != VerdictOutcome.Indeterminate)
        {
            outcome = p >= t ? VerdictOutcome.Unsafe : VerdictOutcome.Safe;
            code = outcome == VerdictOutcome.Unsafe ? code ?? "S1" : null;
        }

        IReadOnlyList<CategoryRef> categories = code is null ? [] : [new CategoryRef(code, code)];
        return Task.FromResult(new GuardVerdict(
            outcome, categories, p, null, [], outcome.ToString(), new TokenUsage(10, 0, 2), new VerdictTimings(0, 1, 1), ModelName));
    }

    public IReadOnlyList<PromptToken> Tokenize(RenderedPrompt prompt) =>
        [.. prompt.Pieces.Select((piece, i) => new PromptToken(i + 1, piece.Kind == PromptPieceKind.Special, piece.Text))];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
