namespace GuardCluster.Gateway.OpenApi;

/// <summary>Marks an OpenAI-compatible endpoint: its errors are OpenAI's <c>{"error":{…}}</c>, not problem details.</summary>
public sealed class OpenAiErrorsMetadata
{
    public static OpenAiErrorsMetadata Instance { get; } = new();

    private OpenAiErrorsMetadata()
    {
    }
}
