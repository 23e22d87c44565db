using GuardCluster.Gateway;
using GuardCluster.Gateway.Quotas;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace GuardCluster.Silo.Hosting;

/// <summary>
/// Every silo serves the API, so unless <c>Guard:Gateway:QuotaHosts</c> says otherwise, a tenant's quota is shared
/// by the active silos: with a load balancer spreading requests evenly, each enforcing <c>quota / silos</c> holds
/// the whole quota. Read from this silo's membership view (no call), refreshed at most once a second.
/// </summary>
public sealed class SiloApiHostCount(ISiloStatusOracle status, IOptions<GatewayOptions> options) : IApiHostCount
{
    private long _readAt = long.MinValue;
    private int _active = 1;

    public int Count
    {
        get
        {
            if (options.Value.QuotaHosts > 0)
            {
                return options.Value.QuotaHosts;
            }

            var now = Environment.TickCount64;
            if (now - Volatile.Read(ref _readAt) > 1000)
            {
                Volatile.Write(ref _active, Math.Max(1, status.GetApproximateSiloStatuses(onlyActive: true).Count));
                Volatile.Write(ref _readAt, now);
            }

            return Volatile.Read(ref _active);
        }
    }
}
