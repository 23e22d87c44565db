namespace GuardCluster.Bench.Systems;

/// <summary>The peer answered an error (e.g. its tokenization differs from the bench's) or its process died.</summary>
public sealed class PeerException : Exception
{
    public PeerException()
    {
    }

    public PeerException(string message)
        : base(message)
    {
    }

    public PeerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
