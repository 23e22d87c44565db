using GuardCluster.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// The retention job: every <c>Guard:Audit:ExpiryIntervalSeconds</c> (and once at start) it deletes the entries whose
/// retention has ended. Each entry carries its own end (its time + the tenant's retention when it was written, capped by
/// <c>MaxRetentionDays</c>), so a later policy change applies to new entries only.
/// </summary>
public sealed partial class AuditExpiry(IOptions<AuditOptions> options, GuardMetrics metrics, TimeProvider clock, ILogger<AuditExpiry> log, IAuditStore? store = null)
    : BackgroundService
{
    private readonly IAuditStore? _store = options.Value.Enabled ? store : null;

    /// <summary>Deletes what expired at or before <paramref name="now"/>; returns how many entries went.</summary>
    public async Task<long> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (_store is null)
        {
            return 0;
        }

        var deleted = await _store.DeleteExpiredAsync(now, cancellationToken);
        metrics.AuditExpired(deleted);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ExpiryIntervalSeconds), clock);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(clock.GetUtcNow(), stoppingToken);
                }
#pragma warning disable CA1031 // The next run retries; the job must not stop the host.
                catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogExpiryFailed(log, error);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, EventId = 952, EventName = "AuditExpiryFailed", Message = "Deleting expired audit entries failed; the next run retries.")]
    private static partial void LogExpiryFailed(ILogger logger, Exception error);
}
