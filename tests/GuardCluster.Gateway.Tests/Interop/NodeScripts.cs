using System.Diagnostics;
using System.Text;

namespace GuardCluster.Gateway.Tests.Interop;

/// <summary>
/// Runs a Node script from <c>tests/interop</c> (clients users bring: the openai npm SDK, an OpenAPI linter, a
/// generated client) against a real host. Its packages come from <c>npm ci --prefix tests/interop</c>, which
/// <c>.ci/run</c> does; without them the test fails and says so, it never passes silently.
/// </summary>
public static class NodeScripts
{
    public static string InteropDirectory { get; } = Path.Combine(RepositoryRoot(), "tests", "interop");

    /// <summary>Runs <c>node args…</c> (or an npm-installed binary under node_modules/.bin) in tests/interop; bounded by <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        if (!Directory.Exists(Path.Combine(InteropDirectory, "node_modules")))
        {
            throw new InvalidOperationException(
                $"{InteropDirectory}/node_modules is missing: run 'npm ci --prefix tests/interop' first (.ci/run does).");
        }

        var start = new ProcessStartInfo(ResolveProgram(program))
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (gate)
            {
                return (-1, output + $"\n(timed out after {timeout ?? TimeSpan.FromMinutes(2)}; killed)");
            }
        }

        process.WaitForExit(); // drains the output readers
        lock (gate)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string ResolveProgram(string program)
    {
        if (program == "node")
        {
            return "node";
        }

        var local = Path.Combine(InteropDirectory, "node_modules", ".bin", program);
        return File.Exists(local) ? local : program;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GuardCluster.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GuardCluster.sln not found above " + AppContext.BaseDirectory);
    }
}
