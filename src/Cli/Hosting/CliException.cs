namespace GuardCluster.Cli.Hosting;

/// <summary>
/// A failure the CLI reports as one <c>error:</c> line. <see cref="ExitCode"/> separates the user's
/// mistakes (2: usage/input) from things that went wrong while running (1).
/// </summary>
public sealed class CliException : Exception
{
    public const int UsageExitCode = 2;
    public const int RuntimeExitCode = 1;

    public CliException(string message, int exitCode, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public CliException()
        : this("guardctl failed.", RuntimeExitCode)
    {
    }

    public CliException(string message)
        : this(message, RuntimeExitCode)
    {
    }

    public CliException(string message, Exception innerException)
        : this(message, RuntimeExitCode, innerException)
    {
    }

    public int ExitCode { get; }

    public static CliException Usage(string message, Exception? inner = null) => new(message, UsageExitCode, inner);

    public static CliException Runtime(string message, Exception? inner = null) => new(message, RuntimeExitCode, inner);
}
