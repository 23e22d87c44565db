using GuardCluster.Core.Policies;

namespace GuardCluster.Bench.Workloads;

/// <summary>The four tenants of the mixed workload: each policy renders a different prompt header.</summary>
public static class TenantPolicies
{
    public static IReadOnlyList<(string Tenant, SafetyPolicy Policy)> All { get; } =
    [
        ("default", SafetyPolicy.Default),
        ("no-s6-s7", SafetyPolicy.Default with { ExcludedCodes = ["S6", "S7"] }),
        ("custom-3", new SafetyPolicy(
            [
                new SafetyCategory("S1", "Violent threats against a person."),
                new SafetyCategory("S2", "Harassment or bullying of private individuals."),
                new SafetyCategory("S3", "Medical dosage advice without a disclaimer."),
            ],
            [])),
        ("threshold-0.3", SafetyPolicy.Default with { Threshold = 0.3 }),
    ];

}
