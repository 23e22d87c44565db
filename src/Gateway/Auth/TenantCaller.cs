using System.Reflection;
using GuardCluster.Contracts;

namespace GuardCluster.Gateway.Auth;

/// <summary>The authenticated tenant of a request, with the (possibly cached) snapshot its key was checked against.</summary>
public sealed record TenantCaller(string Id, TenantSnapshot Snapshot)
{
    public TenantPolicy Policy => Snapshot.Policy;

    /// <summary>Minimal API binding: the middleware has already authenticated and stored the caller.</summary>
    public static ValueTask<TenantCaller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.Features.Get<TenantCaller>());
    }
}
