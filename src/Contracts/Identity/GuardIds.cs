using System.Text.RegularExpressions;

namespace GuardCluster.Contracts.Identity;

/// <summary>
/// The one home of identifier syntax (tenant, conversation and message ids) and its messages, used by the HTTP
/// layer and the grains alike. Patterns end in <c>\z</c>, not <c>$</c>: in .NET, <c>$</c> also matches before a
/// final <c>\n</c>, which would let <c>"acme\n"</c> through.
/// </summary>
public static partial class GuardIds
{
    public const string TenantIdRule = "Tenant ids are 1-63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit.";

    public const string ConversationIdRule = "Conversation ids are 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'.";

    public const string MessageIdRule = "message_id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'.";

    /// <summary>No '.', '/' or '~', so an id fits in an API key and in a conversation grain key prefix.</summary>
    public static bool IsTenantId(string? id) => id is not null && TenantPattern().IsMatch(id);

    /// <summary>No '/', so <c>tenant~incarnation/conversation</c> grain keys cannot be forged across tenants.</summary>
    public static bool IsConversationId(string? id) => id is not null && ConversationPattern().IsMatch(id);

    /// <summary>Client-chosen idempotency ids share the conversation id alphabet (UUIDs, ULIDs, counters fit).</summary>
    public static bool IsMessageId(string? id) => IsConversationId(id);

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9._:-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConversationPattern();
}
