using GuardCluster.Contracts;

namespace GuardCluster.Grains;

[GenerateSerializer]
[Alias("gc.TenantState")]
public sealed class TenantState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public List<string> KeyHashes { get; set; } = [];

    [Id(2)]
    public TenantPolicy Policy { get; set; } = TenantPolicy.Initial;

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>New at every creation: scopes the tenant's conversations (see <see cref="Contracts.TenantSnapshot.ConversationScope"/>).</summary>
    [Id(4)]
    public string Incarnation { get; set; } = string.Empty;

    /// <summary>The operator's quota overrides (0 = server default). Absent in state stored before quotas: none.</summary>
    [Id(5)]
    public TenantLimits? Quotas { get; set; }

    /// <summary>A copy to change and commit, so the current state stays intact if the write fails.</summary>
    public TenantState Copy()
    {
        var copy = (TenantState)MemberwiseClone();
        copy.KeyHashes = [.. KeyHashes];
        return copy;
    }
}
