using GuardCluster.Core;

namespace GuardCluster.Contracts.Grains;

/// <summary>
/// Stateless worker bound to its silo's inference engine. Called from a conversation grain it runs on that
/// grain's silo; called from a client its key picks the gateway connection, so clients vary keys to spread load.
/// </summary>
[Alias("gc.IGuardWorkerGrain")]
public interface IGuardWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Classifies; a cancelled token (e.g. the HTTP client hung up) frees the engine slot early.</summary>
    [Alias("classify")]
    Task<WorkerVerdict> ClassifyAsync(GuardRequest request, CancellationToken cancellationToken = default);

    /// <summary>Drops this silo's cached KV (memory and disk) of a conversation, or of every conversation of a tenant.</summary>
    [Alias("forget")]
    Task ForgetSessionsAsync(string sessionKey);
}
