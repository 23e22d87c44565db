namespace GuardCluster.Gateway.Health;

/// <summary>
/// Readiness of the standalone gateway: the client host has started (which, for an Orleans client, means it
/// connected to at least one gateway silo) and has not since lost every gateway connection.
/// </summary>
public sealed class ClusterClientReadiness : IGuardReadiness, IClusterConnectionStatusObserver
{
    private readonly IHostApplicationLifetime _lifetime;
    private volatile int _gateways = -1; // unknown until Orleans reports a count

    public ClusterClientReadiness(IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        _lifetime = lifetime;
    }

    public bool IsReady => Reason == "ready";

    public string Reason
    {
        get
        {
            if (_lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return "shutting down";
            }

            if (!_lifetime.ApplicationStarted.IsCancellationRequested)
            {
                return "connecting to the cluster";
            }

            return _gateways == 0 ? "no cluster gateway connected" : "ready";
        }
    }

    public void NotifyClusterConnectionLost() => _gateways = 0;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        _gateways = currentNumberOfGateways;
}
