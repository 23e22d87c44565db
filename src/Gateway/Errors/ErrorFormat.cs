namespace GuardCluster.Gateway.Errors;

/// <summary>The body shape errors take on a route.</summary>
public enum ErrorFormat
{
    /// <summary>RFC 7807 <c>application/problem+json</c> with <c>code</c> and <c>path</c> extensions (every native route).</summary>
    ProblemDetails,

    /// <summary>OpenAI's <c>{"error":{"message","type","param","code"}}</c>, so OpenAI SDKs raise their usual exceptions.</summary>
    OpenAi,
}
