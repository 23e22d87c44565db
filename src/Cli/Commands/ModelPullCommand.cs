using System.CommandLine;
using System.Net;
using GuardCluster.Cli.Downloads;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Commands;

/// <summary><c>guardctl model pull</c>: resumable, checksum-verified model download.</summary>
public static class ModelPullCommand
{
    public static Command Create(CliHost host)
    {
        var source = new Argument<string>("URL") { Description = "http(s) URL, file:// URL or local path of the model" };
        var output = new Option<string>("--out", "-o") { Description = "Destination file; written atomically once verified", HelpName = "PATH", Required = true };
        var sha256 = new Option<string?>("--sha256") { Description = "Expected SHA-256 (64 hex digits); on mismatch nothing is kept", HelpName = "HEX" };
        sha256.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } hex && Sha256Hex.Normalize(hex) is null)
            {
                r.AddError("--sha256 must be 64 hex digits");
            }
        });

        var json = CommonOptions.Json();
        var command = new Command("pull", "Download a model to PATH, resuming PATH.part with HTTP Range requests when present")
        {
            source,
            output,
            sha256,
            json,
        };

        command.SetAction(async (result, ct) =>
        {
            DownloadSource from;
            try
            {
                from = DownloadSource.Parse(result.GetRequiredValue(source));
            }
            catch (ArgumentException ex)
            {
                throw CliException.Usage(ex.Message.Split(" (Parameter", 2)[0], ex);
            }

            if (from.LocalPath is { } local && !File.Exists(local))
            {
                throw CliException.Usage($"source file not found: {local}");
            }

            var destination = result.GetRequiredValue(output);
            using var handler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(30),
                AutomaticDecompression = DecompressionMethods.None, // byte ranges must address the stored bytes
            };

            // No overall timeout: big models take long; the downloader's idle timeout catches stalls instead.
            using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.UserAgent.ParseAdd("guardctl/1.0");
            var downloader = new ModelDownloader(http);
            var downloaded = await ProgressDisplay.RunAsync(host, Path.GetFileName(destination), ProgressUnit.Bytes, sink =>
                downloader.DownloadAsync(from, destination, result.GetValue(sha256), p => sink.Report(p.BytesDone, p.TotalBytes), ct),
                enabled: !result.GetValue(json)).ConfigureAwait(false);

            if (result.GetValue(json))
            {
                var pulled = new PulledModel(downloaded.Path, downloaded.Bytes, downloaded.Sha256, result.GetValue(sha256) is not null, downloaded.Resumed);
                await JsonOutput.WriteAsync(host.Stdout, pulled).ConfigureAwait(false);
                return 0;
            }

            var verified = result.GetValue(sha256) is null ? "" : ", checksum verified";
            var resumed = downloaded.Resumed ? ", resumed" : "";
            await host.Stdout.WriteLineAsync($"saved {downloaded.Path} ({downloaded.Bytes} bytes, sha256 {downloaded.Sha256}{verified}{resumed})").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
