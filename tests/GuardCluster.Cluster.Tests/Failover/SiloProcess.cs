using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GuardCluster.Cluster.Tests.Failover;

/// <summary>
/// One real silo process (<c>dotnet GuardCluster.Silo.dll</c> from this test's output folder, or from
/// <c>GUARD_FAILOVER_SILO_DIR</c> to measure another build) on loopback ports that survive restarts. Killed and
/// signalled by its own pid only.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public SiloProcess(int index, IReadOnlyDictionary<string, string> settings)
    {
        Index = index;
        HttpPort = FreePort();
        _settings = new Dictionary<string, string>(settings)
        {
            ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        };
    }

    public int Index { get; }

    public int HttpPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The exit code once the current run has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }
    }

    /// <summary>Each logged error ("fail:" line) with the lines after it, at most <paramref name="max"/>.</summary>
    public string Errors(int max = 4)
    {
        string[] lines;
        lock (_output)
        {
            lines = _output.ToString().Split('\n');
        }

        var errors = new List<string>();
        for (var i = 0; i < lines.Length && errors.Count < max; i++)
        {
            if (lines[i].StartsWith("fail:", StringComparison.Ordinal))
            {
                errors.Add(string.Join("\n", lines.Skip(i).Take(6)));
            }
        }

        return string.Join("\n", errors);
    }

    /// <summary>How many lines of this process's output (all its runs) contain <paramref name="text"/>.</summary>
    public int CountLines(string text)
    {
        lock (_output)
        {
            return _output.ToString().Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    public void Start()
    {
        var folder = Environment.GetEnvironmentVariable("GUARD_FAILOVER_SILO_DIR") is { Length: > 0 } dir ? dir : AppContext.BaseDirectory;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(Path.Combine(folder, "GuardCluster.Silo.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{HttpPort}");
        foreach (var (key, value) in _settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process?.Dispose();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: no shutdown at all, as a crashed machine.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: false);
    }

    /// <summary>SIGTERM to this process's pid (as systemd or Kubernetes stop it), then wait for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan bound)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(bound);
        await process.WaitForExitAsync(timeout.Token);
    }

    public async Task WaitExitedAsync(TimeSpan bound)
    {
        if (_process is { } process)
        {
            using var timeout = new CancellationTokenSource(bound);
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Polls <c>/readyz</c> until 200 (active member, model loaded), within <paramref name="bound"/>.</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"Silo {Index} exited with {_process.ExitCode}:\n{OutputTail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Silo {Index} was not ready within {bound}:\n{OutputTail}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
