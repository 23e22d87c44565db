using GuardCluster.Core;
namespace GuardCluster.Gateway.Errors;

/// <summary>A 429 raised by the HTTP layer's own limits (tenant rates, failed authentications), with its <c>Retry-After</c>.</summary>
public sealed class RateLimitedException : Exception
{
    public RateLimitedException(string code, string message, int retryAfterSeconds)
        : base(message)
    {
        Code = code;
        RetryAfterSeconds = retryAfterSeconds;
    }

    public RateLimitedException()
        : this(GuardErrorCodes.RateLimited, "Too many requests.", 1)
    {
    }

    public RateLimitedException(string message)
        : this(GuardErrorCodes.RateLimited, message, 1)
    {
    }

    public RateLimitedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = GuardErrorCodes.RateLimited;
        RetryAfterSeconds = 1;
    }

    public string Code { get; }

    public int RetryAfterSeconds { get; }
}
