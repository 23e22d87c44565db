namespace GuardCluster.Engine;

/// <summary>The engine's bounded queue is full; the caller should back off and retry.</summary>
public sealed class EngineOverloadedException : Exception
{
    public EngineOverloadedException()
        : base("The inference engine is overloaded; retry later.")
    {
    }

    public EngineOverloadedException(string message)
        : base(message)
    {
    }

    public EngineOverloadedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
