using GuardCluster.Core;
namespace GuardCluster.Gateway.Errors;

/// <summary>A client error raised by the HTTP layer itself, with the exact status to answer.</summary>
public sealed class GatewayProblemException : Exception
{
    public GatewayProblemException(int status, string code, string message, string? path = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Path = path;
    }

    public GatewayProblemException()
        : this(400, GuardErrorCodes.BadRequest, "The request is invalid.")
    {
    }

    public GatewayProblemException(string message)
        : this(400, GuardErrorCodes.BadRequest, message)
    {
    }

    public GatewayProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Code = GuardErrorCodes.BadRequest;
    }

    public int Status { get; }

    public string Code { get; }

    public string? Path { get; }
}
