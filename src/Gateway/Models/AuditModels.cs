using GuardCluster.Gateway.Audit;

namespace GuardCluster.Gateway.Models;

/// <summary>One audit-log entry as the API shows it; <c>content</c> is null unless the tenant's policy stored it.</summary>
public sealed record AuditEntryDto(
    long Id,
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
    public static AuditEntryDto From(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, entry.Time, entry.Endpoint, entry.ConversationId, entry.MessageId, entry.Item, entry.Verdict, entry.Categories,
            entry.UnsafeProbability, entry.PolicyVersion, entry.Model, entry.ContentSha256, entry.Content, entry.ExpiresAt);
    }
}

/// <summary>A page of audit entries, newest first; <c>next_cursor</c> is null on the last page.</summary>
public sealed record AuditListResponse(IReadOnlyList<AuditEntryDto> Data, string? NextCursor);

/// <summary><c>audit</c> in the policy: what this tenant's audit log keeps; <c>retention_days</c> is what applies.</summary>
public sealed record AuditSettingsBody(bool StoreContent, int RetentionDays);
