namespace GuardCluster.Contracts;

/// <summary>
/// The one home of the eight limits' wire names, upper bounds and accessors, so the admin API, the tenant
/// policy API, validation and responses cannot disagree on a name or a cap.
/// </summary>
public static class TenantLimitFields
{
    public static IReadOnlyList<TenantLimitField> All { get; } =
    [
        new("requests_per_minute", 1_000_000_000, l => l.RequestsPerMinute, (l, v) => l with { RequestsPerMinute = v }),
        new("tokens_per_minute", 1_000_000_000, l => l.TokensPerMinute, (l, v) => l with { TokensPerMinute = v }),
        new("max_concurrent_requests", 1_000_000, l => l.MaxConcurrentRequests, (l, v) => l with { MaxConcurrentRequests = v }),
        new("max_conversations", 10_000_000, l => l.MaxConversations, (l, v) => l with { MaxConversations = v }),
        new("max_message_chars", 1_000_000, l => l.MaxMessageChars, (l, v) => l with { MaxMessageChars = v }),
        new("max_turns", 10_000, l => l.MaxTurns, (l, v) => l with { MaxTurns = v }),
        new("max_total_chars", 4_000_000, l => l.MaxTotalChars, (l, v) => l with { MaxTotalChars = v }),
        new("max_batch_items", 10_000, l => l.MaxBatchItems, (l, v) => l with { MaxBatchItems = v }),
    ];

    public static TenantLimitField? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    internal static TenantLimits Combine(TenantLimits first, TenantLimits second, Func<int, int, int> pick)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var result = first;
        foreach (var field in All)
        {
            result = field.Set(result, pick(field.Get(first), field.Get(second)));
        }

        return result;
    }
}

/// <summary>One limit: its snake_case wire name, the largest value anyone may set, and how to read and write it.</summary>
public sealed record TenantLimitField(string Name, int Cap, Func<TenantLimits, int> Get, Func<TenantLimits, int, TenantLimits> Set);
