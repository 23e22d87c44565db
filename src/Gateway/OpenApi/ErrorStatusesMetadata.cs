namespace GuardCluster.Gateway.OpenApi;

/// <summary>Error statuses an endpoint can answer beyond those its kind implies (see <see cref="ErrorResponses"/>).</summary>
public sealed record ErrorStatusesMetadata(IReadOnlyList<int> Statuses);
