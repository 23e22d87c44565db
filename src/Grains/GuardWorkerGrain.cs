using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Engine;
using GuardCluster.Grains.Engine;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;

namespace GuardCluster.Grains;

/// <summary>
/// Front door to this silo's engine. Stateless and reentrant: many calls may be in flight in one activation,
/// because the engine batches concurrent sequences into shared decode steps (its sequence slots are the real
/// unit of concurrency, not activations).
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class GuardWorkerGrain(GuardEngineHost engineHost, ILocalSiloDetails silo, IOptions<SiloMessagingOptions> messaging) : Grain, IGuardWorkerGrain
{
    public async Task<WorkerVerdict> ClassifyAsync(GuardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The engine and the grain call agree on the deadline: once the caller has given up (Orleans cancels the token
        // on a response timeout too), the queued or running work is dropped instead of holding a sequence.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(messaging.Value.ResponseTimeout);
        var engine = await engineHost.GetEngineAsync().WaitAsync(deadline.Token);

        // Validation and overload errors become GuardRejectedException in GuardRejectionFilter.
        var verdict = await engine.ClassifyAsync(request, deadline.Token);
        return new WorkerVerdict(verdict, silo.Name);
    }

    public async Task ForgetSessionsAsync(string sessionKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionKey);
        if (engineHost.IsLoaded)
        {
            await (await engineHost.GetEngineAsync()).ForgetSessionsAsync(sessionKey);
        }
    }
}
