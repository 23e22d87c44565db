using GuardCluster.Contracts;

namespace GuardCluster.Grains.Quotas;

/// <summary>
/// The server's default quota, bound from <c>Guard:Limits</c> on silos: what a tenant gets for every limit the
/// operator has not set for it. The defaults are generous on purpose (they should not bite a normal deployment);
/// operators size them, or set per-tenant quotas with <c>PUT /v1/tenants/{id}/limits</c>.
/// </summary>
public sealed class TenantLimitDefaults
{
    public const string Section = "Guard:Limits";

    public int RequestsPerMinute { get; set; } = 60_000;

    public int TokensPerMinute { get; set; } = 60_000_000;

    public int MaxConcurrentRequests { get; set; } = 256;

    public int MaxConversations { get; set; } = 10_000;

    public int MaxMessageChars { get; set; } = 32_000;

    public int MaxTurns { get; set; } = 200;

    public int MaxTotalChars { get; set; } = 128_000;

    public int MaxBatchItems { get; set; } = 32;

    public TenantLimits ToLimits() => new(MaxMessageChars, MaxTurns, MaxTotalChars)
    {
        RequestsPerMinute = RequestsPerMinute,
        TokensPerMinute = TokensPerMinute,
        MaxConcurrentRequests = MaxConcurrentRequests,
        MaxConversations = MaxConversations,
        MaxBatchItems = MaxBatchItems,
    };

    /// <summary>Every default must be a value an operator could set; a bad one stops the silo at start.</summary>
    public IEnumerable<string> Problems()
    {
        var limits = ToLimits();
        foreach (var field in TenantLimitFields.All)
        {
            var value = field.Get(limits);
            if (value < 1 || value > field.Cap)
            {
                yield return $"{Section}: {field.Name} must be between 1 and {field.Cap} (is {value}).";
            }
        }
    }
}
