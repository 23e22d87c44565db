using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Libraries;

namespace GuardCluster.Cli.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty stderr lines (error contract: exactly one).</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs guardctl in-process with captured streams.</summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new FakeLibraries(), "", args);

    public static Task<CliResult> RunAsync(IGuardLibraries libraries, string stdin, params string[] args) =>
        RunAsync(libraries, stdin, NoEnvironment, args);

    /// <summary>Tests see only the environment they pass (none by default), so a developer's GUARD_* variables change nothing.</summary>
    public static IReadOnlyDictionary<string, string> NoEnvironment { get; } = new Dictionary<string, string>();

    public static async Task<CliResult> RunAsync(IGuardLibraries libraries, string stdin, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin);
        var code = await GuardCtl.InvokeAsync(args, new CliHost(stdout, stderr, input, libraries, Environment: environment));
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
