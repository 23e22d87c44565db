namespace GuardCluster.Cli.Evaluation;

/// <summary>A dataset line that cannot be used; the message names the 1-based line number.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(int lineNumber, string message, Exception? innerException = null)
        : base($"dataset line {lineNumber}: {message}", innerException)
    {
        LineNumber = lineNumber;
    }

    public DatasetFormatException()
    {
    }

    public DatasetFormatException(string message)
        : base(message)
    {
    }

    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int LineNumber { get; }
}
