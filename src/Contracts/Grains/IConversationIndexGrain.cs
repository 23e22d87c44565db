namespace GuardCluster.Contracts.Grains;

/// <summary>
/// The conversations of one tenant incarnation (key: <see cref="TenantSnapshot.ConversationScope"/>), persisted:
/// the count behind <c>max_conversations</c>, the listing behind <c>GET /v1/conversations</c>, and the list of
/// what to delete when the tenant is deleted. A conversation is reserved here before its first message is
/// stored, so nothing stored is ever missing from the index.
/// </summary>
[Alias("gc.IConversationIndexGrain")]
public interface IConversationIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds a new conversation; 429 <c>quota_exceeded</c> when the tenant already has <paramref name="maxConversations"/>.</summary>
    [Alias("reserve")]
    Task ReserveAsync(string conversationId, DateTimeOffset createdAt, int maxConversations);

    /// <summary>Adds a conversation stored before the index existed (no quota check: it already exists).</summary>
    [Alias("adopt")]
    Task AdoptAsync(string conversationId, DateTimeOffset createdAt);

    [Alias("remove")]
    Task RemoveAsync(string conversationId);

    /// <summary>Newest first; <paramref name="cursor"/> is the previous page's <see cref="ConversationPage.NextCursor"/>.</summary>
    [Alias("list")]
    Task<ConversationPage> ListAsync(int limit, string? cursor);

    /// <summary>Deletes every listed conversation's state, then the index's own; returns how many were deleted.</summary>
    [Alias("purge")]
    Task<int> PurgeAsync();
}
