namespace GuardCluster.Contracts.Grains;

/// <summary>
/// One conversation of one tenant (key <c>tenant/conversation</c>, see <see cref="ConversationKey"/>): keeps
/// the history and checks each new message in the context of everything before it.
/// </summary>
[Alias("gc.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    [Alias("append")]
    Task<ConversationTurn> AppendAsync(AppendMessage message, TenantPolicy policy, CancellationToken cancellationToken = default);

    [Alias("get")]
    Task<ConversationView?> GetAsync();

    [Alias("delete")]
    Task<bool> DeleteAsync();
}
