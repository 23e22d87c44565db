namespace GuardCluster.Bench.Reporting;

/// <summary>One workload's table, the row the ratios refer to, and free-form notes (targets, derived figures).</summary>
public sealed record WorkloadReport(string Id, string Title, string Reference, IReadOnlyList<ReportRow> Rows, IReadOnlyList<string> Notes, IReadOnlyList<TargetCheck> Targets);

/// <summary>An issue target and whether this run met it.</summary>
public sealed record TargetCheck(string Description, double Measured, double Goal, bool HigherIsBetter, string Unit)
{
    public bool Met => HigherIsBetter ? Measured >= Goal : Measured <= Goal;

    public override string ToString() =>
        FormattableString.Invariant($"{(Met ? "PASS" : "FAIL")}  {Description}: {Measured:0.00}{Unit} (target {(HigherIsBetter ? "≥" : "≤")} {Goal:0.##}{Unit})");
}
