namespace GuardCluster.Cli.Commands;

/// <summary><c>model pull --json</c>: where the file went, its size and SHA-256, whether it was checked and resumed.</summary>
public sealed record PulledModel(string Path, long Bytes, string Sha256, bool ChecksumVerified, bool Resumed);
