using GuardCluster.Contracts;

namespace GuardCluster.Grains;

[GenerateSerializer]
[Alias("gc.ConversationIndexState")]
public sealed class ConversationIndexState
{
    /// <summary>Newest first (created descending, then id): the order <c>GET /v1/conversations</c> pages through.</summary>
    [Id(0)]
    public List<ConversationEntry> Entries { get; set; } = [];
}
