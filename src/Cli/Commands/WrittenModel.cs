namespace GuardCluster.Cli.Commands;

/// <summary><c>model demo|synth --json</c>: the file written and its size.</summary>
public sealed record WrittenModel(string Path, long Bytes);
