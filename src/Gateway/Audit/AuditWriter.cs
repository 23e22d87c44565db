using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using GuardCluster.Core.Telemetry;
using GuardCluster.Core.Verdicts;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// A verdict to audit, as the request path hands it over: no hashing, no I/O. The writer hashes the content and drops
/// it unless <see cref="StoreContent"/>.
/// </summary>
public sealed record AuditRecord(
    string Tenant,
    string Incarnation,
    DateTimeOffset Time,
    string Endpoint,
    string? ConversationId,
    string? MessageId,
    int? Item,
    GuardVerdict Verdict,
    int PolicyVersion,
    string Content,
    bool StoreContent,
    int RetentionDays);

/// <summary>
/// Moves audit records from the request path to the store. <see cref="TryAppend"/> is the only cost a request pays: an
/// append to a bounded in-memory queue (<c>Guard:Audit:QueueCapacity</c>). When the queue is full the record is dropped
/// (<c>guard_audit_dropped_total</c>, one warning per flush interval at most). A background loop writes batches of up
/// to <c>BatchSize</c> every <c>FlushIntervalMilliseconds</c>; a failed write loses that batch
/// (<c>guard_audit_write_errors_total</c>, one warning per interval at most) and never fails a classification. On a
/// graceful stop the queue is written out; on a crash what is queued is lost.
/// </summary>
public sealed partial class AuditWriter : BackgroundService
{
    private readonly Channel<AuditRecord> _queue;
    private readonly IAuditStore? _store;
    private readonly AuditOptions _options;
    private readonly GuardMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<AuditWriter> _log;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private long _lastDropWarning = long.MinValue;
    private long _lastErrorWarning = long.MinValue;

    public AuditWriter(IOptions<AuditOptions> options, GuardMetrics metrics, TimeProvider clock, ILogger<AuditWriter> log, IAuditStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = _options.Enabled ? store : null;
        _metrics = metrics;
        _clock = clock;
        _log = log;
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once; nothing waits
            SingleReader = false,
            SingleWriter = false,
        });
        metrics.ObserveAuditQueue(() => _queue.Reader.Count);
    }

    /// <summary>True when this host keeps an audit log.</summary>
    public bool Enabled => _store is not null;

    public AuditOptions Options => _options;

    /// <summary>Queues one record; false (and counted) when the queue is full or the audit log is off.</summary>
    public bool TryAppend(AuditRecord record)
    {
        if (_store is null)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(record))
        {
            return true;
        }

        _metrics.AuditDropped();
        if (ShouldWarn(ref _lastDropWarning))
        {
            LogDropped(_log, _options.QueueCapacity);
        }

        return false;
    }

    /// <summary>Writes everything queued before this call (tests, tenant deletion, shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_store is null)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            while (await WriteBatchAsync(cancellationToken) > 0)
            {
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }

        var interval = TimeSpan.FromMilliseconds(_options.FlushIntervalMilliseconds);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (_queue.Reader.Count < _options.BatchSize)
                {
                    await Task.Delay(interval, _clock, stoppingToken);
                }

                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken); // a graceful stop loses nothing that was queued
    }

    /// <summary>Writes up to one batch; returns how many records it took off the queue.</summary>
    private async Task<int> WriteBatchAsync(CancellationToken cancellationToken)
    {
        var batch = new List<AuditEntry>(Math.Min(_options.BatchSize, Math.Max(1, _queue.Reader.Count)));
        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var record))
        {
            batch.Add(ToEntry(record));
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            await _store!.AppendAsync(batch, CancellationToken.None);
            _metrics.AuditWritten(batch.Count);
        }
#pragma warning disable CA1031 // Any store failure degrades to a warning and a metric; classifications never fail for it.
        catch (Exception error)
#pragma warning restore CA1031
        {
            _metrics.AuditWriteFailed(batch.Count);
            if (ShouldWarn(ref _lastErrorWarning))
            {
                LogWriteFailed(_log, error, batch.Count);
            }
        }

        return batch.Count;
    }

    /// <summary>SHA-256 of the checked text's UTF-8 bytes, lowercase hex.</summary>
    public static string Sha256Hex(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static AuditEntry ToEntry(AuditRecord r)
    {
        var verdict = r.Verdict.Outcome switch
        {
            VerdictOutcome.Safe => "safe",
            VerdictOutcome.Unsafe => "unsafe",
            _ => "indeterminate",
        };
        return new AuditEntry(
            r.Tenant,
            r.Incarnation,
            r.Time,
            r.Endpoint,
            r.ConversationId,
            r.MessageId,
            r.Item,
            verdict,
            [.. r.Verdict.Categories.Select(c => c.Code)],
            r.Verdict.UnsafeProbability,
            r.PolicyVersion,
            r.Verdict.Model,
            Sha256Hex(r.Content),
            r.StoreContent ? r.Content : null,
            r.Time.AddDays(r.RetentionDays));
    }

    private bool ShouldWarn(ref long last)
    {
        var now = _clock.GetTimestamp();
        var previous = Interlocked.Read(ref last);
        var every = (long)(_clock.TimestampFrequency * Math.Max(1.0, _options.FlushIntervalMilliseconds / 1000.0));
        return (previous == long.MinValue || now - previous >= every) && Interlocked.CompareExchange(ref last, now, previous) == previous;
    }

    [LoggerMessage(Level = LogLevel.Warning, EventId = 950, EventName = "AuditDropped",
        Message = "Audit queue full ({Capacity} entries): audit entries are being dropped (guard_audit_dropped_total).")]
    private static partial void LogDropped(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, EventId = 951, EventName = "AuditWriteFailed",
        Message = "Audit store write failed: {Count} audit entries lost (guard_audit_write_errors_total). Classifications continue.")]
    private static partial void LogWriteFailed(ILogger logger, Exception error, int count);
}
