using GuardCluster.Contracts;
using GuardCluster.Core;

namespace GuardCluster.Grains;

/// <summary>
/// Limits may tighten the service's hard caps (<see cref="TenantLimitField.Cap"/>), never exceed them; 0 means
/// "not set". A tenant's own limits must also stay within the operator's quota.
/// </summary>
public static class TenantLimitsValidator
{
    /// <summary>Every value is 0 (not set) or within 1..cap; <paramref name="prefix"/> names the JSON object.</summary>
    public static void Validate(TenantLimits limits, string prefix = "limits")
    {
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var field in TenantLimitFields.All)
        {
            var value = field.Get(limits);
            if (value < 0 || value > field.Cap)
            {
                var path = $"{prefix}.{field.Name}";
                throw new GuardRejectedException(GuardErrorCodes.InvalidLimit, $"{path} must be between 1 and {field.Cap}.", path, RejectionKind.Invalid);
            }
        }
    }

    /// <summary>A tenant may lower a limit below its quota, never raise it above: 403 <c>limit_above_quota</c>.</summary>
    public static void ValidateWithinQuota(TenantLimits own, TenantLimits quota)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(quota);
        foreach (var field in TenantLimitFields.All)
        {
            var value = field.Get(own);
            var cap = field.Get(quota);
            if (value > 0 && value > cap)
            {
                var path = $"limits.{field.Name}";
                throw new GuardRejectedException(
                    GuardErrorCodes.LimitAboveQuota,
                    $"{path} may be at most {cap}, the quota the operator set for this tenant; it can only be lowered here.",
                    path,
                    RejectionKind.Forbidden);
            }
        }
    }
}
