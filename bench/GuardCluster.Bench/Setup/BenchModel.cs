namespace GuardCluster.Bench.Setup;

/// <summary>The GGUF a run benchmarks and how to describe it in the report.</summary>
public sealed record BenchModel(string Path, string Description, bool IsDemo, bool IsSynthetic = false);
