using System.Text.Json;

namespace GuardCluster.Cli.Admin;

/// <summary>A successful answer: its JSON body (an empty object for 204) and its <c>ETag</c>, if any.</summary>
public sealed record AdminResponse(int Status, JsonElement Body, string? ETag);
