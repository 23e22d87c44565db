using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Engine;
using GuardCluster.Grains.Engine;
using Orleans.Concurrency;

namespace GuardCluster.Grains;

/// <summary>
/// Front door to this silo's engine. Stateless and reentrant: many calls may be in flight in one activation,
/// because the engine batches concurrent sequences into shared decode steps (its sequence slots are the real
/// unit of concurrency, not activations).
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class GuardWorkerGrain(GuardEngineHost engineHost, ILocalSiloDetails silo) : Grain, IGuardWorkerGrain
{
    public async Task<WorkerVerdict> ClassifyAsync(GuardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var engine = await engineHost.GetEngineAsync().WaitAsync(cancellationToken);
        try
        {
            var verdict = await engine.ClassifyAsync(request, cancellationToken);
            return new WorkerVerdict(verdict, silo.SiloAddress.ToParsableString());
        }
        catch (GuardValidationException error)
        {
            throw GuardRejectedException.From(error);
        }
        catch (EngineOverloadedException error)
        {
            throw new GuardRejectedException("overloaded", error.Message, null, RejectionKind.Overloaded);
        }
    }
}
