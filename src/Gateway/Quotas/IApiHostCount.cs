namespace GuardCluster.Gateway.Quotas;

/// <summary>
/// How many API hosts share one tenant's traffic. Each host enforces <c>ceil(quota / count)</c> of every rate and
/// concurrency quota, so the cluster as a whole holds the quota approximately without a grain call per request.
/// </summary>
public interface IApiHostCount
{
    int Count { get; }
}

/// <summary><c>Guard:Gateway:QuotaHosts</c> when set; otherwise 1 (a standalone gateway enforces the whole quota).</summary>
public sealed class ConfiguredApiHostCount(Microsoft.Extensions.Options.IOptions<GatewayOptions> options) : IApiHostCount
{
    public int Count => Math.Max(1, options.Value.QuotaHosts);
}
