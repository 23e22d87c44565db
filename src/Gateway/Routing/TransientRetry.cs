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
    /// <summary>
    /// Whether <paramref name="error"/> is the cluster being briefly unreachable, worth a retry: a silo that is gone or
    /// leaving (<see cref="SiloUnavailableException"/>, <see cref="OrleansMessageRejectionException"/>,
    /// <see cref="ConnectionFailedException"/>), any other Orleans runtime error, a timeout, or a cancellation the
    /// caller did not ask for (callers check their own token). Never one of GuardCluster's own rejections, which are
    /// answers, not failures.
    /// </summary>
    public static bool IsTransientClusterError(Exception error) =>
        error is SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or OrleansException or TimeoutException or OperationCanceledException;

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
