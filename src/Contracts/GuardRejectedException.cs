using GuardCluster.Core;

namespace GuardCluster.Contracts;

/// <summary>
/// A <see cref="GuardValidationException"/> (or another client error) carried across a grain call with its
/// code intact, so the HTTP layer can answer with the right status and problem details.
/// </summary>
[GenerateSerializer]
[Alias("gc.GuardRejectedException")]
public sealed class GuardRejectedException : Exception
{
    public GuardRejectedException()
    {
        Code = GuardErrorCodes.InvalidInput;
    }

    public GuardRejectedException(string message)
        : base(message)
    {
        Code = GuardErrorCodes.InvalidInput;
    }

    public GuardRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = GuardErrorCodes.InvalidInput;
    }

    public GuardRejectedException(string code, string message, string? path, RejectionKind kind)
        : base(message)
    {
        Code = code;
        Path = path;
        Kind = kind;
    }

    [Id(0)]
    public string Code { get; init; }

    [Id(1)]
    public string? Path { get; init; }

    [Id(2)]
    public RejectionKind Kind { get; init; }

    public static GuardRejectedException From(GuardValidationException error) =>
        new(error.Code, error.Message, error.Path, error.IsLimit ? RejectionKind.LimitExceeded : RejectionKind.Invalid);
}

[GenerateSerializer]
public enum RejectionKind
{
    Invalid,
    LimitExceeded,
    NotFound,
    Conflict,
    Overloaded,

    /// <summary>The caller may not do this (e.g. raise a limit above the operator's quota): 403.</summary>
    Forbidden,

    /// <summary>A count quota (e.g. conversations) is used up: 429 <c>quota_exceeded</c>.</summary>
    QuotaExceeded,

    /// <summary>The engine cannot take work now (restarting after a failure): 503, retry shortly.</summary>
    Unavailable,

    /// <summary>A conditional write's precondition (e.g. <c>If-Match</c> on the policy version) does not hold: 412.</summary>
    PreconditionFailed,
}
