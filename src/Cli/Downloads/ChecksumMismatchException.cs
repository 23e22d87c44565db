namespace GuardCluster.Cli.Downloads;

/// <summary>The downloaded bytes do not hash to the expected SHA-256; the partial file has been discarded.</summary>
public sealed class ChecksumMismatchException : DownloadException
{
    public ChecksumMismatchException(string destination, string expected, string actual)
        : base($"checksum mismatch for {destination}: expected sha256 {expected}, got {actual}; the download was discarded")
    {
        Expected = expected;
        Actual = actual;
    }

    public ChecksumMismatchException()
    {
    }

    public ChecksumMismatchException(string message)
        : base(message)
    {
    }

    public ChecksumMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Expected { get; } = "";

    public string Actual { get; } = "";
}
