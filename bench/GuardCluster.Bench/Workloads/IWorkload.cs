using GuardCluster.Bench.Reporting;

namespace GuardCluster.Bench.Workloads;

public interface IWorkload
{
    string Id { get; }

    Task<WorkloadReport> RunAsync(BenchContext context);
}
