using GuardCluster.Core;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Engine;

/// <summary>
/// The one narrow seam between GuardCluster and llama.cpp: classify a conversation under a policy.
/// Implementations are thread-safe; concurrent calls are batched into shared decode steps.
/// </summary>
public interface IGuardEngine : IAsyncDisposable
{
    /// <summary>Display name of the loaded model (file name or configured name).</summary>
    string ModelName { get; }

    /// <summary>Whether the engine takes work now (readiness probes); unavailable engines answer at once, never stall.</summary>
    EngineHealth Health => EngineHealth.Ready;

    Task<GuardVerdict> ClassifyAsync(GuardRequest request, CancellationToken cancellationToken = default);

    /// <summary>Drops cached KV (every tier) of the conversation(s) under <paramref name="sessionKey"/> (a deleted conversation or tenant).</summary>
    Task ForgetSessionsAsync(string sessionKey) => Task.CompletedTask;

    /// <summary>The exact token sequence the engine feeds for a rendered prompt.</summary>
    IReadOnlyList<PromptToken> Tokenize(RenderedPrompt prompt);
}

/// <summary>A prompt token: its id, whether it is a special (control) token, and its text piece.</summary>
public readonly record struct PromptToken(int Id, bool IsSpecial, string Piece);
