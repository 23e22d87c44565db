namespace GuardCluster.Gateway.Models;

public sealed record HealthResponse(string Status, string Reason);
