using System.Text.RegularExpressions;

namespace GuardCluster.Gateway.Http;

/// <summary>Identifier syntax checked at the edge, before any grain is touched.</summary>
public static partial class GuardIds
{
    /// <summary>Same rule as the tenant grain: no '.' or '/', so an id fits in an API key and a grain key.</summary>
    public static bool IsTenantId(string? id) => id is not null && TenantPattern().IsMatch(id);

    /// <summary>No '/', so <c>tenant/conversation</c> grain keys cannot be forged across tenants.</summary>
    public static bool IsConversationId(string? id) => id is not null && ConversationPattern().IsMatch(id);

    /// <summary>Client-chosen idempotency ids share the conversation id alphabet (UUIDs, ULIDs, counters fit).</summary>
    public static bool IsMessageId(string? id) => IsConversationId(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ConversationPattern();
}
