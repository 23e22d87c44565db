using GuardCluster.Contracts;

namespace GuardCluster.Grains;

/// <summary>Tenant limits may tighten the service's hard caps, never exceed them.</summary>
public static class TenantLimitsValidator
{
    public const int MaxMessageCharsCap = 1_000_000;
    public const int MaxTurnsCap = 10_000;
    public const int MaxTotalCharsCap = 4_000_000;

    public static void Validate(TenantLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Check(limits.MaxMessageChars, MaxMessageCharsCap, "limits.max_message_chars");
        Check(limits.MaxTurns, MaxTurnsCap, "limits.max_turns");
        Check(limits.MaxTotalChars, MaxTotalCharsCap, "limits.max_total_chars");
    }

    private static void Check(int value, int cap, string path)
    {
        if (value < 1 || value > cap)
        {
            throw new GuardRejectedException("invalid_limit", $"{path} must be between 1 and {cap}.", path, RejectionKind.Invalid);
        }
    }
}
