namespace GuardCluster.Gateway.Audit;

/// <summary>
/// Deletes a deleted tenant's audit entries from this host's store: first writes what is queued (so nothing of the
/// tenant lands after the purge), then deletes every entry of the tenant id. A failure is logged and does not fail the
/// tenant's deletion: the entries belong to an incarnation no key can read any more and expire with their retention.
/// </summary>
public sealed partial class AuditPurge(AuditWriter writer, ILogger<AuditPurge> log, IAuditStore? store = null)
{
    public async Task<long> DeleteTenantAsync(string tenant)
    {
        if (!writer.Enabled || store is null)
        {
            return 0;
        }

        try
        {
            await writer.FlushAsync();
            return await store.DeleteTenantAsync(tenant);
        }
#pragma warning disable CA1031 // Degrades to a warning: see the class summary.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogPurgeFailed(log, error, tenant);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, EventId = 953, EventName = "AuditPurgeFailed",
        Message = "Deleting the audit entries of deleted tenant {Tenant} failed; they stay unreadable and expire with their retention.")]
    private static partial void LogPurgeFailed(ILogger logger, Exception error, string tenant);
}
