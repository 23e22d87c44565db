namespace GuardCluster.Gateway.Models;

/// <summary>A probe's answer: <c>status</c> is <c>ready</c>, <c>unavailable</c> or <c>alive</c>; <c>reason</c> says why, for people.</summary>
public sealed record HealthResponse(string Status, string Reason);
