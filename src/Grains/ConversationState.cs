using GuardCluster.Contracts;

namespace GuardCluster.Grains;

[GenerateSerializer]
[Alias("gc.ConversationState")]
public sealed class ConversationState
{
    [Id(0)]
    public List<StoredMessage> Messages { get; set; } = [];
}
