using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Routing;

/// <summary>
/// Picks the key of the stateless worker for a single-shot classify. An external client routes all calls for
/// one grain id through one gateway connection, and a stateless worker activates on the silo that receives
/// the call, so a fixed key would put every request on one silo. Round-robin over a key range (from a random
/// start, so several gateways do not move in lockstep) spreads calls over gateways and silos.
/// </summary>
public sealed class WorkerKeys(IOptions<GatewayOptions> options)
{
    private long _next = Random.Shared.NextInt64(0, int.MaxValue);

    public long Next()
    {
        var range = Math.Max(1, options.Value.WorkerKeyRange);
        return (Interlocked.Increment(ref _next) & long.MaxValue) % range;
    }
}
