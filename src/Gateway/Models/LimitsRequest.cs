namespace GuardCluster.Gateway.Models;

/// <summary>
/// Limits in a request (documentation shape): each an integer from 1 to its cap; null or absent unsets it (the level
/// above applies). Unknown names are refused.
/// </summary>
[ClosedSchema]
public sealed record LimitsRequest(
    int? RequestsPerMinute = null,
    int? TokensPerMinute = null,
    int? MaxConcurrentRequests = null,
    int? MaxConversations = null,
    int? MaxMessageChars = null,
    int? MaxTurns = null,
    int? MaxTotalChars = null,
    int? MaxBatchItems = null);
