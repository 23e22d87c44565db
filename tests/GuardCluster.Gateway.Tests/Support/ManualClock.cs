namespace GuardCluster.Gateway.Tests.Support;

/// <summary>A clock that moves only when told: time-based behaviour is tested without sleeping.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
