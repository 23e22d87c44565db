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
/// </summary>
public sealed class ConversationGrain(
    [PersistentState("conversation", GuardStorage.Name)] IPersistentState<ConversationState> state) : Grain, IConversationGrain
{
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
                    "message_id_conflict",
                    $"message_id '{messageId}' was already used for a different message (turn {earlier.Turn}).",
                    "message_id",
                    RejectionKind.Conflict);
            }

            return new ConversationTurn(earlier, Replayed: true);
        }

        var expected = history.Count % 2 == 0 ? ChatRole.User : ChatRole.Assistant;
        if (message.Role != expected)
        {
            throw new GuardRejectedException(
                "roles_not_alternating",
                $"Turn {history.Count + 1} must be a '{(expected == ChatRole.User ? "user" : "assistant")}' message: roles alternate, starting with user.",
                "role",
                RejectionKind.Invalid);
        }

        var conversation = new Conversation([.. history.Select(m => new ChatMessage(m.Role, [m.Content])), new ChatMessage(message.Role, [message.Content])]);
        try
        {
            ConversationValidator.Validate(conversation, policy.Limits.ToConversationLimits());
        }
        catch (GuardValidationException error)
        {
            throw GuardRejectedException.From(error);
        }

        // A grain's call to a stateless worker stays on this silo, next to this conversation's KV cache.
        var worker = GrainFactory.GetGrain<IGuardWorkerGrain>(0);
        // The engine may leave out the oldest turns of a conversation longer than its context (history_truncated); the
        // stored history keeps them all (bounded by the policy's max_turns).
        var key = this.GetPrimaryKeyString();
        var request = new GuardRequest(conversation, policy.Policy, SessionKey: key, TenantId: ConversationKey.Parse(key).TenantId, AllowHistoryWindow: true);
        var result = await worker.ClassifyAsync(request, cancellationToken);

        var stored = new StoredMessage(
            history.Count + 1,
            message.Role,
            message.Content,
            message.MessageId,
            result.Verdict,
            DateTimeOffset.UtcNow,
            policy.Version);
        history.Add(stored);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            history.RemoveAt(history.Count - 1);
            throw;
        }

        return new ConversationTurn(stored, Replayed: false);
    }

    public Task<ConversationView?> GetAsync() => Task.FromResult(
        state.RecordExists || state.State.Messages.Count > 0
            ? new ConversationView(ConversationKey.Parse(this.GetPrimaryKeyString()).ConversationId, [.. state.State.Messages])
            : null);

    public async Task<bool> DeleteAsync()
    {
        if (!state.RecordExists && state.State.Messages.Count == 0)
        {
            return false;
        }

        await state.ClearStateAsync();
        state.State = new ConversationState();
        DeactivateOnIdle();

        // Its KV (resident, host memory, spill files) on this silo goes too; a leftover elsewhere ages out unread.
        await GrainFactory.GetGrain<IGuardWorkerGrain>(0).ForgetSessionsAsync(this.GetPrimaryKeyString());
        return true;
    }
}
