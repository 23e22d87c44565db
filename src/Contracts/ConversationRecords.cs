using GuardCluster.Core.Conversations;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Contracts;

[GenerateSerializer]
[Alias("gc.AppendMessage")]
public sealed record AppendMessage(
    [property: Id(0)] ChatRole Role,
    [property: Id(1)] string Content,
    [property: Id(2)] string? MessageId);

[GenerateSerializer]
[Alias("gc.StoredMessage")]
public sealed record StoredMessage(
    [property: Id(0)] int Turn,
    [property: Id(1)] ChatRole Role,
    [property: Id(2)] string Content,
    [property: Id(3)] string? MessageId,
    [property: Id(4)] GuardVerdict Verdict,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] int PolicyVersion);

/// <summary>The result of an append; <see cref="Replayed"/> is true when a retried message id was answered from history.</summary>
[GenerateSerializer]
[Alias("gc.ConversationTurn")]
public sealed record ConversationTurn(
    [property: Id(0)] StoredMessage Message,
    [property: Id(1)] bool Replayed);

[GenerateSerializer]
[Alias("gc.ConversationView")]
public sealed record ConversationView(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<StoredMessage> Messages);

[GenerateSerializer]
[Alias("gc.WorkerVerdict")]
public sealed record WorkerVerdict(
    [property: Id(0)] GuardVerdict Verdict,
    [property: Id(1)] string Silo);

[GenerateSerializer]
[Alias("gc.ConversationEntry")]
public sealed record ConversationEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset CreatedAt);

/// <summary>One page of a tenant's conversations, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
[GenerateSerializer]
[Alias("gc.ConversationPage")]
public sealed record ConversationPage(
    [property: Id(0)] IReadOnlyList<ConversationEntry> Items,
    [property: Id(1)] string? NextCursor,
    [property: Id(2)] int Total);
