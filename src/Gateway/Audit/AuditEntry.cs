using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// One audited verdict. <see cref="Incarnation"/> is the tenant's incarnation when it was written, so a tenant id
/// deleted and created again never reads the old owner's entries. <see cref="Content"/> is set only when the tenant's
/// policy had <c>audit.store_content</c>; <see cref="ContentSha256"/> always (lowercase hex of the UTF-8 text).
/// <see cref="Id"/> is assigned by the store.
/// </summary>
public sealed record AuditEntry(
    string Tenant,
    string Incarnation,
    DateTimeOffset Time,
    string Endpoint,
    string? ConversationId,
    string? MessageId,
    int? Item,
    string Verdict,
    IReadOnlyList<string> Categories,
    double? UnsafeProbability,
    int PolicyVersion,
    string Model,
    string ContentSha256,
    string? Content,
    DateTimeOffset ExpiresAt)
{
    public long Id { get; init; }
}

/// <summary>The <c>endpoint</c> values of audit entries.</summary>
public static class AuditEndpoints
{
    public const string Classify = "classify";
    public const string Batch = "classify_batch";
    public const string Conversation = "conversation_message";
    public const string Moderation = "moderation";
}

/// <summary>
/// One page request: a tenant's entries (of its current incarnation), newest first, optionally from/to (inclusive,
/// exclusive), one verdict, one category code, one conversation, after a cursor.
/// </summary>
public sealed record AuditQuery(
    string Tenant,
    string Incarnation,
    int Limit,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Verdict = null,
    string? Category = null,
    string? ConversationId = null,
    AuditCursor? After = null);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, AuditCursor? Next);

/// <summary>A keyset position (time in Unix milliseconds, entry id): the next page starts strictly after it.</summary>
public sealed record AuditCursor(long TimeMs, long Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{TimeMs}:{Id}")));

    public static bool TryDecode(string? text, out AuditCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(bytes).Split(':');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            cursor = new AuditCursor(time, id);
            return true;
        }

        return false;
    }
}

/// <summary>
/// The audit log's store: a real query store (SQLite on one host; a shared database for many), never grain state.
/// </summary>
public interface IAuditStore
{
    /// <summary>Writes a batch in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes every entry whose retention ended at or before <paramref name="now"/>; returns how many.</summary>
    Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes every entry of a tenant (all incarnations); returns how many.</summary>
    Task<long> DeleteTenantAsync(string tenant, CancellationToken cancellationToken = default);
}
