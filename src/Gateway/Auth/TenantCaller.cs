using System.Reflection;
using GuardCluster.Contracts;

namespace GuardCluster.Gateway.Auth;

/// <summary>The authenticated tenant of a request, with the (possibly cached) snapshot its key was checked against.</summary>
public sealed record TenantCaller(string Id, TenantSnapshot Snapshot)
{
    public TenantPolicy Policy => Snapshot.Policy;

    /// <summary>The limits that apply: the tenant's own, capped by the operator's quota.</summary>
    public TenantLimits Limits => Snapshot.Limits;

    /// <summary>The policy as grains should apply it: with the limits that apply, not the tenant's own settings.</summary>
    public TenantPolicy EffectivePolicy => Policy with { Limits = Limits };

    /// <summary>Minimal API binding: the middleware has already authenticated and stored the caller.</summary>
    public static ValueTask<TenantCaller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.Features.Get<TenantCaller>());
    }
}
