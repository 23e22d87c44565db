using GuardCluster.Contracts;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// <c>Guard:Audit</c>: where this API host writes its audit log, how long entries may be kept, and the bounds of the
/// in-memory queue between the request path and the store.
/// </summary>
public sealed class AuditOptions
{
    public const string Section = "Guard:Audit";
    public const int DefaultMaxRetentionDays = 90;

    /// <summary><c>sqlite</c> (default: one file on this host), <c>postgres</c> (one database shared by every host) or <c>none</c> (no audit log).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The SQLite file (created with its folder).</summary>
    public string Path { get; set; } = "data/guardcluster-audit.db";

    /// <summary>The Npgsql connection string for <c>postgres</c>, e.g. <c>Host=db;Database=guard;Username=guard;Password=…</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The operator's cap on any tenant's <c>audit.retention_days</c>.</summary>
    public int MaxRetentionDays { get; set; } = DefaultMaxRetentionDays;

    /// <summary>Retention of a tenant that set none (capped by <see cref="MaxRetentionDays"/>).</summary>
    public int DefaultRetentionDays { get; set; } = 30;

    /// <summary>Entries held in memory before the store has them; beyond this, new entries are dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>At most this many entries per store write.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>How long the writer waits to fill a batch before writing what it has.</summary>
    public int FlushIntervalMilliseconds { get; set; } = 200;

    /// <summary>How often expired entries are deleted.</summary>
    public int ExpiryIntervalSeconds { get; set; } = 3600;

    public bool Enabled => !string.Equals(Provider, "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>The retention that applies to a tenant: its own setting, else the default, capped by the operator's limit.</summary>
    public int RetentionDaysFor(AuditSettings? settings)
    {
        var days = settings is { RetentionDays: > 0 } own ? own.RetentionDays : DefaultRetentionDays;
        return Math.Clamp(days, 1, Math.Max(1, MaxRetentionDays));
    }

    public IEnumerable<string> Problems()
    {
        if (MaxRetentionDays < 1)
        {
            yield return "Guard:Audit:MaxRetentionDays must be at least 1.";
        }

        if (DefaultRetentionDays < 1)
        {
            yield return "Guard:Audit:DefaultRetentionDays must be at least 1.";
        }

        if (QueueCapacity < 1 || BatchSize < 1 || FlushIntervalMilliseconds < 1 || ExpiryIntervalSeconds < 1)
        {
            yield return "Guard:Audit:QueueCapacity, BatchSize, FlushIntervalMilliseconds and ExpiryIntervalSeconds must be at least 1.";
        }
    }
}
