namespace GuardCluster.Core;

/// <summary>
/// Input that breaks the Llama Guard contract or a configured limit. <see cref="Code"/> is a stable,
/// machine-readable error code (snake_case); <see cref="Path"/> points at the offending field when known
/// (e.g. <c>messages[2].content</c>).
/// </summary>
public sealed class GuardValidationException : Exception
{
    public GuardValidationException(string code, string message, string? path = null, bool isLimit = false)
        : base(message)
    {
        Code = code;
        Path = path;
        IsLimit = isLimit;
    }

    public GuardValidationException()
        : this(GuardErrorCodes.InvalidInput, "The input is invalid.")
    {
    }

    public GuardValidationException(string message)
        : this(GuardErrorCodes.InvalidInput, message)
    {
    }

    public GuardValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid_input";
    }

    public string Code { get; }

    public string? Path { get; }

    /// <summary>True when a size/count limit was exceeded (HTTP maps this to 413), not a shape error.</summary>
    public bool IsLimit { get; }
}
