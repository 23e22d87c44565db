namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// Marks GuardCluster's own API endpoints, the ones <c>/openapi/v1.json</c> describes. Other endpoints in the same
/// host (the Orleans dashboard of a co-hosting silo, <c>/metrics</c>) are not part of the client API.
/// </summary>
public sealed class GuardApiMetadata
{
    public static GuardApiMetadata Instance { get; } = new();

    private GuardApiMetadata()
    {
    }
}
