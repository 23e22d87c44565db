namespace GuardCluster.Gateway.Models;

/// <summary><c>audit</c> in a policy update (documentation shape); each field optional.</summary>
/// <param name="StoreContent">Whether the audit log keeps the checked text (otherwise only its SHA-256).</param>
/// <param name="RetentionDays">Days entries are kept, from 1 to the operator's cap (<c>Guard:Audit:MaxRetentionDays</c>).</param>
[ClosedSchema]
public sealed record AuditSettingsRequest(bool? StoreContent = null, int? RetentionDays = null);
