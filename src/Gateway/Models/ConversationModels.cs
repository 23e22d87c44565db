using GuardCluster.Contracts;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Serialization;

namespace GuardCluster.Gateway.Models;

public sealed class AppendResponse(VerdictDto verdict, int policyVersion, int turn, bool replayed) : VerdictBody(verdict)
{
    public int PolicyVersion { get; } = policyVersion;

    public int Turn { get; } = turn;

    /// <summary>True when a retried <c>message_id</c> was answered from history without a new check.</summary>
    public bool Replayed { get; } = replayed;
}

public sealed record ConversationMessageView(
    int Turn,
    string Role,
    string Content,
    string? MessageId,
    VerdictDto Verdict,
    DateTimeOffset CreatedAt,
    int PolicyVersion)
{
    public static ConversationMessageView From(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(
            message.Turn,
            RoleName(message.Role),
            message.Content,
            message.MessageId,
            VerdictJson.ToDto(message.Verdict),
            message.CreatedAt,
            message.PolicyVersion);
    }

    public static string RoleName(ChatRole role) => role == ChatRole.User ? "user" : "assistant";
}

public sealed record ConversationResponse(string Id, IReadOnlyList<ConversationMessageView> Messages);

/// <summary>Body of <c>POST /v1/conversations/{id}/messages</c> (documentation shape).</summary>
/// <param name="Role">Must alternate with the stored history, starting with <c>user</c>.</param>
/// <param name="Content">The message text.</param>
/// <param name="MessageId">Makes the append idempotent: a retried id with the same message is answered from history.</param>
[ClosedSchema]
public sealed record AppendRequest(MessageRole Role, string Content, string? MessageId = null);

public sealed record ConversationSummary(string Id, DateTimeOffset CreatedAt);

/// <summary>A page of <c>GET /v1/conversations</c>, newest first; <c>next_cursor</c> is null on the last page.</summary>
public sealed record ConversationListResponse(IReadOnlyList<ConversationSummary> Data, string? NextCursor, int Total);
