namespace GuardCluster.Gateway.Health;

/// <summary>
/// Whether this host can serve classifications now. Registered by the host: the co-hosting silo reports
/// model loaded + silo active; the standalone gateway reports its cluster connection.
/// </summary>
public interface IGuardReadiness
{
    bool IsReady { get; }

    /// <summary>A short human-readable reason, e.g. "model loading" or "ready".</summary>
    string Reason { get; }
}
