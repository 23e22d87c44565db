namespace GuardCluster.Engine;

/// <summary>Whether an engine takes work, and why not (for readiness probes and logs; never exception text for anonymous callers).</summary>
/// <param name="IsReady">True while requests are being served.</param>
/// <param name="Status">"ready", "restarting" or "failed".</param>
/// <param name="Restarts">Times the engine rebuilt its context after a scheduler failure.</param>
public sealed record EngineHealth(bool IsReady, string Status, int Restarts)
{
    public static EngineHealth Ready { get; } = new(true, "ready", 0);
}
