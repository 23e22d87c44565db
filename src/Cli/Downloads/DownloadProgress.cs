namespace GuardCluster.Cli.Downloads;

/// <summary>Bytes present in the destination so far (resumed bytes included) and the total when the server said.</summary>
public readonly record struct DownloadProgress(long BytesDone, long? TotalBytes);

/// <summary>The verified file: where it is, its size and SHA-256 (lower-case hex), and whether an earlier partial file was reused.</summary>
public sealed record DownloadResult(string Path, long Bytes, string Sha256, bool Resumed);
