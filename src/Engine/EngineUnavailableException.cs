namespace GuardCluster.Engine;

/// <summary>The engine cannot take work now (its scheduler failed and it is restarting, or it stopped); retry shortly.</summary>
public sealed class EngineUnavailableException : Exception
{
    public EngineUnavailableException()
        : base("The inference engine is unavailable; retry shortly.")
    {
    }

    public EngineUnavailableException(string message)
        : base(message)
    {
    }

    public EngineUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
