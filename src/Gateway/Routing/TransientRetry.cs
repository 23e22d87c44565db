using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace GuardCluster.Gateway.Routing;

/// <summary>
/// One retry on the same host for idempotent grain calls (single checks, conversation turns with a
/// <c>message_id</c>) that fail because the cluster is briefly unreachable: a silo died and is not yet declared
/// dead, or is leaving. The retry picks a new grain (a new worker key) or reaches the re-activated one; a second
/// failure is answered 503 <c>cluster_unavailable</c> as before.
/// </summary>
public static class TransientRetry
{
    /// <summary>Whether <paramref name="error"/> is the cluster being briefly unreachable, worth a retry.</summary>
    public static bool IsTransientClusterError(Exception error) =>
        error is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or ConnectionFailedException;

    public static async Task<T> OnceAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (Exception error) when (IsTransientClusterError(error) && !cancellationToken.IsCancellationRequested)
        {
            return await call();
        }
    }
}
