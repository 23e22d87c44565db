namespace GuardCluster.Bench.Systems;

/// <summary>A way of classifying: a baseline on raw LLamaSharp, the engine in-process, or the HTTP API.</summary>
public interface IGuardSystem
{
    string Name { get; }

    Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default);
}
