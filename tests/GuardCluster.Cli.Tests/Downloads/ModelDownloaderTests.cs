using System.Security.Cryptography;
using GuardCluster.Cli.Downloads;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Downloads;

/// <summary>The downloader's API: progress, cancellation and source parsing.</summary>
public sealed class ModelDownloaderTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Reports_progress_up_to_the_total_and_returns_the_digest()
    {
        var payload = new byte[200_000];
        new Random(1).NextBytes(payload);
        await using var server = new TestHttpServer(payload);
        using var http = new HttpClient();
        var reports = new List<DownloadProgress>();

        var result = await new ModelDownloader(http).DownloadAsync(
            DownloadSource.Parse(server.FileUrl.ToString()), temp.File("m.gguf"), progress: reports.Add);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), result.Sha256);
        Assert.Equal(payload.Length, result.Bytes);
        Assert.False(result.Resumed);
        Assert.Equal(new DownloadProgress(0, payload.Length), reports[0]);
        Assert.Equal(new DownloadProgress(payload.Length, payload.Length), reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesDone <= p.Second.BytesDone));
    }

    [Fact]
    public async Task Cancellation_keeps_the_partial_file_for_a_later_resume()
    {
        var payload = new byte[2_000_000];
        await using var server = new TestHttpServer(payload);
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource();
        var target = temp.File("m.gguf");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ModelDownloader(http).DownloadAsync(
            DownloadSource.Parse(server.FileUrl.ToString()),
            target,
            progress: p =>
            {
                if (p.BytesDone > 0)
                {
                    cts.Cancel();
                }
            },
            cancellationToken: cts.Token));

        Assert.False(File.Exists(target));
        Assert.True(new FileInfo(target + ".part").Length > 0);
    }

    [Theory]
    [InlineData("https://example.invalid/a.gguf", true)]
    [InlineData("http://127.0.0.1:8080/a.gguf", true)]
    [InlineData("file:///tmp/a.gguf", false)]
    [InlineData("/tmp/a.gguf", false)]
    [InlineData("models/a.gguf", false)]
    public void Parses_http_and_local_sources(string value, bool isHttp)
    {
        var source = DownloadSource.Parse(value);

        Assert.Equal(isHttp, source.HttpUri is not null);
        Assert.Equal(!isHttp, source.LocalPath is not null);
    }

    [Fact]
    public void Rejects_other_schemes() =>
        Assert.Throws<ArgumentException>(() => DownloadSource.Parse("s3://bucket/a.gguf"));
}
