namespace GuardCluster.Cli.Downloads;

/// <summary>A download that could not complete (HTTP error, early end, stall). Any partial file is kept for resume.</summary>
public class DownloadException : Exception
{
    public DownloadException()
    {
    }

    public DownloadException(string message)
        : base(message)
    {
    }

    public DownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
