namespace GuardCluster.Gateway.Auth;

/// <summary>Who may call an endpoint.</summary>
public enum GuardAccess
{
    Admin,
    Tenant,
}

/// <summary>Endpoint metadata read by <see cref="GuardAuthMiddleware"/>.</summary>
public sealed record GuardAccessMetadata(GuardAccess Access);

public static class GuardAccessExtensions
{
    /// <summary>Only the operator's admin key (<c>Guard:AdminKey</c>) may call these endpoints.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GuardAccessMetadata(GuardAccess.Admin));

    /// <summary>Only a tenant key may call these endpoints; handlers receive a <see cref="TenantCaller"/>.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GuardAccessMetadata(GuardAccess.Tenant));
}
