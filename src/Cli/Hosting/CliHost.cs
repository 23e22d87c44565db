using GuardCluster.Cli.Libraries;

namespace GuardCluster.Cli.Hosting;

/// <summary>
/// Everything a command touches outside its arguments, so tests can run commands in-process with
/// captured streams and fake libraries. <see cref="Interactive"/> turns on live progress bars
/// (only when both stdout and stderr are a terminal). <see cref="Environment"/> replaces the process environment
/// for the variables guardctl reads (<c>GUARD_URL</c>, <c>GUARD_ADMIN_KEY</c>); null means the real one.
/// </summary>
public sealed record CliHost(
    TextWriter Stdout,
    TextWriter Stderr,
    TextReader Stdin,
    IGuardLibraries Libraries,
    bool Interactive = false,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    public string? GetEnvironmentVariable(string name) =>
        Environment is null ? System.Environment.GetEnvironmentVariable(name) : Environment.GetValueOrDefault(name);
}
