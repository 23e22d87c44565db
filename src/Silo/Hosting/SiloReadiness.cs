using Microsoft.Extensions.Options;
using GuardCluster.Gateway.Health;
using GuardCluster.Grains.Engine;
using Orleans.Runtime;

namespace GuardCluster.Silo.Hosting;

/// <summary>Ready once this silo is an active cluster member and (on a model silo) its model is loaded.</summary>
public sealed class SiloReadiness(GuardEngineHost engineHost, ISiloStatusOracle status, IOptionsMonitor<GuardEngineHostOptions> engine) : IGuardReadiness
{
    public bool IsReady => status.CurrentStatus == SiloStatus.Active
        && (engine.CurrentValue.Engine is null || engineHost.Health is { IsReady: true });

    // Anonymous probes read this: states only, never exception text (that goes to the log).
    public string Reason =>
        status.CurrentStatus != SiloStatus.Active ? $"silo {status.CurrentStatus}"
        : engine.CurrentValue.Engine is null ? "ready (model-less silo)"
        : engineHost.FailureReason is not null ? "model failed to load"
        : engineHost.Health is { } health ? (health.IsReady ? "ready" : $"engine {health.Status}")
        : "model loading";
}
