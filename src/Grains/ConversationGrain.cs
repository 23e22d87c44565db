using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;

namespace GuardCluster.Grains;

/// <summary>
/// One tenant's conversation: the history with each message's verdict. A new message is checked in the
/// context of the whole history (a user turn as prompt classification, an assistant turn as response
/// classification) by this silo's worker, then stored. Nothing is stored when the check fails, so a retry
/// is always safe; a retried <c>message_id</c> is answered from history without a second check.
/// A new conversation is reserved in its tenant's <see cref="IConversationIndexGrain"/> (the
/// <c>max_conversations</c> quota) before its first message is stored; an activation that ends up holding no
/// conversation (a lookup of one that does not exist, a refused first message) deactivates at once.
/// </summary>
public sealed class ConversationGrain(
    [PersistentState("conversation", GuardStorage.Name)] IPersistentState<ConversationState> state) : Grain, IConversationGrain
{
    private bool Exists => state.RecordExists || state.State.Messages.Count > 0;

    private IConversationIndexGrain Index => GrainFactory.GetGrain<IConversationIndexGrain>(ConversationKey.Parse(this.GetPrimaryKeyString()).TenantId);

    private string ConversationId => ConversationKey.Parse(this.GetPrimaryKeyString()).ConversationId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Stored before the index existed: list it now, so the tenant sees it and deleting the tenant deletes it.
        if (state.State.Messages.Count > 0 && !state.State.Indexed)
        {
            await Index.AdoptAsync(ConversationId, state.State.Messages[0].CreatedAt);
            state.State.Indexed = true;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<ConversationTurn> AppendAsync(AppendMessage message, TenantPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(policy);
        var history = state.State.Messages;
        if (message.MessageId is { } messageId && history.Find(m => m.MessageId == messageId) is { } earlier)
        {
            if (earlier.Role != message.Role || earlier.Content != message.Content)
            {
                throw new GuardRejectedException(
                    GuardErrorCodes.MessageIdConflict,
                    $"message_id '{messageId}' was already used for a different message (turn {earlier.Turn}).",
                    "message_id",
                    RejectionKind.Conflict);
            }

            return new ConversationTurn(earlier, Replayed: true);
        }

        var expected = ConversationValidator.ExpectedRole(history.Count);
        if (message.Role != expected)
        {
            DeactivateIfEmpty();
            throw new GuardRejectedException(
                GuardErrorCodes.RolesNotAlternating,
                $"Turn {history.Count + 1} must be a '{(expected == ChatRole.User ? "user" : "assistant")}' message: roles alternate, starting with user.",
                "role",
                RejectionKind.Invalid);
        }

        var conversation = new Conversation([.. history.Select(m => new ChatMessage(m.Role, [m.Content])), new ChatMessage(message.Role, [message.Content])]);
        try
        {
            ConversationValidator.Validate(conversation, policy.Limits.ToConversationLimits());
        }
        catch (GuardValidationException)
        {
            // GuardRejectionFilter turns the error into a GuardRejectedException for the caller.
            DeactivateIfEmpty();
            throw;
        }

        var isNew = history.Count == 0;
        if (isNew)
        {
            await ReserveAsync(policy.Limits.MaxConversations);
        }

        WorkerVerdict result;
        try
        {
            // A grain's call to a stateless worker stays on this silo, next to this conversation's KV cache. The engine
            // may leave out the oldest turns of a conversation longer than its context (history_truncated); the stored
            // history keeps them all (bounded by the policy's max_turns).
            var worker = GrainFactory.GetGrain<IGuardWorkerGrain>(0);
            var key = this.GetPrimaryKeyString();
            var request = new GuardRequest(conversation, policy.Policy, SessionKey: key, TenantId: ConversationKey.Parse(key).TenantId, AllowHistoryWindow: true);
            result = await worker.ClassifyAsync(request, cancellationToken);
        }
        catch
        {
            await ReleaseIfEmptyAsync();
            throw;
        }

        var stored = new StoredMessage(
            history.Count + 1,
            message.Role,
            message.Content,
            message.MessageId,
            result.Verdict,
            DateTimeOffset.UtcNow,
            policy.Version);
        history.Add(stored);
        state.State.Indexed = true;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            history.RemoveAt(history.Count - 1);
            await ReleaseIfEmptyAsync();
            throw;
        }

        return new ConversationTurn(stored, Replayed: false);
    }

    public Task<ConversationView?> GetAsync()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            return Task.FromResult<ConversationView?>(null);
        }

        return Task.FromResult<ConversationView?>(new ConversationView(ConversationId, [.. state.State.Messages]));
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            return false;
        }

        await state.ClearStateAsync();
        state.State = new ConversationState();
        DeactivateOnIdle();
        await Index.RemoveAsync(ConversationId);

        // Its KV (resident, host memory, spill files) on this silo goes too; a leftover elsewhere ages out unread.
        await GrainFactory.GetGrain<IGuardWorkerGrain>(0).ForgetSessionsAsync(this.GetPrimaryKeyString());
        return true;
    }

    public async Task PurgeAsync()
    {
        if (Exists)
        {
            await state.ClearStateAsync();
            state.State = new ConversationState();
        }

        DeactivateOnIdle();
        await GrainFactory.GetGrain<IGuardWorkerGrain>(0).ForgetSessionsAsync(this.GetPrimaryKeyString());
    }

    private void DeactivateIfEmpty()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>0 means no quota was passed (internal callers); the API always passes the tenant's resolved quota.</summary>
    private async Task ReserveAsync(int maxConversations)
    {
        try
        {
            await Index.ReserveAsync(ConversationId, DateTimeOffset.UtcNow, maxConversations);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>A first message that was not stored leaves neither an index entry nor an activation behind.</summary>
    private async Task ReleaseIfEmptyAsync()
    {
        if (state.State.Messages.Count == 0)
        {
            DeactivateOnIdle();
            await Index.RemoveAsync(ConversationId);
        }
    }
}
