using System.Diagnostics;
using System.Text.Json;

namespace GuardCluster.Bench.Setup;

/// <summary>
/// Where the peer system lives: <c>bench/peers/peer.mjs</c> with node-llama-cpp installed next to it. When
/// node-llama-cpp is not installed yet the bench runs <c>npm ci</c> there once (npm registry only; the prebuilt CPU
/// binaries come as npm packages, nothing is compiled or fetched from GitHub).
/// </summary>
public sealed record PeerSetup(string Directory, string Script, string Version)
{
    public const string Package = "node-llama-cpp";

    public const string PinnedVersion = "3.21.1";

    /// <summary>The peer, or null with the reason it is skipped (one line for the report).</summary>
    public static (PeerSetup? Peer, string? Skipped) Resolve(TextWriter log)
    {
        var directory = FindPeersDirectory();
        if (directory is null)
        {
            return (null, "bench/peers/peer.mjs not found (run the bench from the repository)");
        }

        if (!Runs("node", "--version", directory, out _))
        {
            return (null, "node not found (install Node.js ≥ 20 and npm for the node-llama-cpp rows)");
        }

        var packageJson = Path.Combine(directory, "node_modules", Package, "package.json");
        if (!File.Exists(packageJson))
        {
            if (!Runs("npm", "--version", directory, out _))
            {
                return (null, "npm not found (needed once: npm ci --prefix bench/peers)");
            }

            log.WriteLine($"installing {Package} {PinnedVersion} for the peer rows: npm ci --prefix bench/peers (once) ...");
            if (!Runs("npm", "ci --no-audit --no-fund", directory, out var npmOutput, TimeSpan.FromMinutes(10)) || !File.Exists(packageJson))
            {
                var last = npmOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
                return (null, $"npm ci --prefix bench/peers failed ({last})");
            }
        }

        using var json = JsonDocument.Parse(File.ReadAllText(packageJson));
        var version = json.RootElement.GetProperty("version").GetString() ?? "?";
        if (version != PinnedVersion)
        {
            log.WriteLine($"warning: bench/peers has {Package} {version}, the bench pins {PinnedVersion} (run npm ci --prefix bench/peers)");
        }

        return (new PeerSetup(directory, Path.Combine(directory, "peer.mjs"), version), null);
    }

    /// <summary>Environment for node and npm: never build llama.cpp from source or download it from GitHub.</summary>
    public static void NoDownloads(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment["NODE_LLAMA_CPP_SKIP_DOWNLOAD"] = "true";
        start.Environment["NODE_LLAMA_CPP_GPU"] = "false";
    }

    private static string? FindPeersDirectory()
    {
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "peers");
                if (File.Exists(Path.Combine(candidate, "peer.mjs")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool Runs(string file, string arguments, string directory, out string output, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        NoDownloads(start);
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                output = string.Empty;
                return false;
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                output = "timed out";
                return false;
            }

            output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return false;
        }
    }
}
