using GuardCluster.Contracts;

namespace GuardCluster.Grains;

[GenerateSerializer]
[Alias("gc.ConversationState")]
public sealed class ConversationState
{
    [Id(0)]
    public List<StoredMessage> Messages { get; set; } = [];

    /// <summary>
    /// Whether the tenant's <see cref="Contracts.Grains.IConversationIndexGrain"/> lists this conversation. False in
    /// state stored before the index existed: such a conversation is adopted into the index on activation.
    /// </summary>
    [Id(1)]
    public bool Indexed { get; set; }
}
