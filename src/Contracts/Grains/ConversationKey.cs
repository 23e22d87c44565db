namespace GuardCluster.Contracts.Grains;

/// <summary>Tenant-scoped conversation keys: two tenants may use the same conversation id and never meet.</summary>
public static class ConversationKey
{
    /// <param name="tenantScope">The tenant's <see cref="TenantSnapshot.ConversationScope"/> (tenant id plus incarnation).</param>
    public static string For(string tenantScope, string conversationId) => $"{tenantScope}/{conversationId}";

    public static (string TenantId, string ConversationId) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (string.Empty, key) : (key[..slash], key[(slash + 1)..]);
    }
}
