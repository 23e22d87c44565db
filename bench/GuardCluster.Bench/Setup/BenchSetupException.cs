namespace GuardCluster.Bench.Setup;

/// <summary>Something the benchmark needs is missing; the message says what to do.</summary>
public sealed class BenchSetupException : Exception
{
    public BenchSetupException()
    {
    }

    public BenchSetupException(string message)
        : base(message)
    {
    }

    public BenchSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
