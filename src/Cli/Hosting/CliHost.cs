using GuardCluster.Cli.Libraries;

namespace GuardCluster.Cli.Hosting;

/// <summary>
/// Everything a command touches outside its arguments, so tests can run commands in-process with
/// captured streams and fake libraries. <see cref="Interactive"/> turns on live progress bars
/// (only when both stdout and stderr are a terminal).
/// </summary>
public sealed record CliHost(
    TextWriter Stdout,
    TextWriter Stderr,
    TextReader Stdin,
    IGuardLibraries Libraries,
    bool Interactive = false);
