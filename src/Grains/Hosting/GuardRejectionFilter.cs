using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Engine;

namespace GuardCluster.Grains.Hosting;

/// <summary>
/// The one place where a grain's client-error exceptions become <see cref="GuardRejectedException"/>, the type that
/// crosses a grain call with its code intact: validation errors (<see cref="GuardValidationException"/>, 4xx by code),
/// a full engine queue (429 <c>overloaded</c>) and an engine that cannot take work (503 <c>engine_unavailable</c>).
/// Grains throw the plain exceptions and keep only the clean-up they need of their own.
/// </summary>
internal sealed class GuardRejectionFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        catch (GuardValidationException error)
        {
            throw GuardRejectedException.From(error);
        }
        catch (EngineOverloadedException error)
        {
            throw new GuardRejectedException(GuardErrorCodes.Overloaded, error.Message, null, RejectionKind.Overloaded);
        }
        catch (EngineUnavailableException error)
        {
            throw new GuardRejectedException(GuardErrorCodes.EngineUnavailable, error.Message, null, RejectionKind.Unavailable);
        }
    }
}
