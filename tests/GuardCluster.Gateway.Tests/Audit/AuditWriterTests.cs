using System.Diagnostics.Metrics;
using GuardCluster.Core.Telemetry;
using GuardCluster.Core.Verdicts;
using GuardCluster.Gateway.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Tests.Audit;

/// <summary>The writer and the SQLite store on their own (real file, real queue): bounds, drops, batching, order.</summary>
public sealed class AuditWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "guardcluster-audit-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_full_queue_drops_new_entries_instead_of_waiting_and_a_flush_writes_the_rest()
    {
        var store = new SqliteAuditStore(Path.Combine(_folder, "audit.db"));

        // A meter of its own factory: a standalone "GuardCluster" meter would be seen by every test host's exporter in this process.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new GuardMetrics(services.GetRequiredService<IMeterFactory>());
        long dropped = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == "guard.audit.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dropped, value));
        listener.Start();
        using var writer = new AuditWriter(Options.Create(new AuditOptions { QueueCapacity = 3, BatchSize = 2 }), metrics, TimeProvider.System, NullLogger<AuditWriter>.Instance, store);
        var now = DateTimeOffset.UtcNow;

        // Not started: nothing drains the queue, so the fourth append finds it full.
        Assert.True(writer.TryAppend(Record("t1", now, "one")));
        Assert.True(writer.TryAppend(Record("t1", now.AddMilliseconds(1), "two")));
        Assert.True(writer.TryAppend(Record("t1", now.AddMilliseconds(2), "three")));
        Assert.False(writer.TryAppend(Record("t1", now.AddMilliseconds(3), "four")));
        Assert.Equal(1, Interlocked.Read(ref dropped));

        await writer.FlushAsync();
        var page = await store.QueryAsync(new AuditQuery("t1", "inc", 10));
        Assert.Equal([AuditWriter.Sha256Hex("three"), AuditWriter.Sha256Hex("two"), AuditWriter.Sha256Hex("one")], page.Entries.Select(e => e.ContentSha256));
        Assert.All(page.Entries, e => Assert.Null(e.Content));
        Assert.Null(page.Next);

        // Room again after the flush.
        Assert.True(writer.TryAppend(Record("t1", now.AddMilliseconds(4), "five")));
    }

    [Fact]
    public async Task Keyset_pages_never_skip_or_repeat_entries_with_equal_times()
    {
        var store = new SqliteAuditStore(Path.Combine(_folder, "audit.db"));
        var now = DateTimeOffset.UtcNow;
        var entries = Enumerable.Range(0, 7).Select(i => Entry("t2", i < 4 ? now : now.AddSeconds(-1), $"text {i}")).ToArray();
        await store.AppendAsync(entries);
        await store.AppendAsync([Entry("other", now, "not mine")]);

        var seen = new List<AuditEntry>();
        AuditCursor? cursor = null;
        do
        {
            var page = await store.QueryAsync(new AuditQuery("t2", "inc", 3, After: cursor));
            seen.AddRange(page.Entries);
            cursor = page.Next is { } next && AuditCursor.TryDecode(next.Encode(), out var decoded) ? decoded : null;
        }
        while (cursor is not null);

        Assert.Equal(7, seen.Count);
        Assert.Equal(7, seen.Select(e => e.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(e => e.Time).ThenByDescending(e => e.Id).Select(e => e.Id), seen.Select(e => e.Id));
        Assert.Empty((await store.QueryAsync(new AuditQuery("t2", "another-incarnation", 10))).Entries);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static AuditRecord Record(string tenant, DateTimeOffset time, string content) =>
        new(tenant, "inc", time, AuditEndpoints.Classify, null, null, null, Verdict(), 1, content, StoreContent: false, RetentionDays: 30);

    private static AuditEntry Entry(string tenant, DateTimeOffset time, string content) =>
        new(tenant, "inc", time, AuditEndpoints.Classify, null, null, null, "safe", [], 0.01, 1, "demo", AuditWriter.Sha256Hex(content), content, time.AddDays(1));

    private static GuardVerdict Verdict() =>
        new(VerdictOutcome.Safe, [], 0.01, null, [], "safe", new TokenUsage(1, 0, 1), new VerdictTimings(0, 0, 0), "demo");
}
