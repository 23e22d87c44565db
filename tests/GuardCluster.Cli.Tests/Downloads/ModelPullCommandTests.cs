using System.Security.Cryptography;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Downloads;

/// <summary><c>guardctl model pull</c> end-to-end against a loopback HTTP server.</summary>
public sealed class ModelPullCommandTests : IDisposable
{
    private static readonly byte[] Payload = MakePayload(300_000);
    private static readonly string PayloadSha = Convert.ToHexStringLower(SHA256.HashData(Payload));
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Full_download_with_matching_sha256_writes_the_file()
    {
        await using var server = new TestHttpServer(Payload);
        var target = temp.File("m.gguf");

        var result = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha.ToUpperInvariant());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Payload, File.ReadAllBytes(target));
        Assert.False(File.Exists(target + ".part"));
        Assert.Equal([null], server.RangeHeaders);
        Assert.Contains(PayloadSha, result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Resumes_from_an_existing_part_file_with_a_range_request()
    {
        await using var server = new TestHttpServer(Payload);
        var target = temp.File("m.gguf");
        File.WriteAllBytes(target + ".part", Payload[..123_456]);

        var result = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["bytes=123456-"], server.RangeHeaders);
        Assert.Equal(Payload, File.ReadAllBytes(target));
        Assert.False(File.Exists(target + ".part"));
        Assert.Contains("resumed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_checksum_fails_and_leaves_no_file()
    {
        await using var server = new TestHttpServer(Payload);
        var target = temp.File("m.gguf");
        var wrong = new string('0', 64);

        var result = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", wrong);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: checksum mismatch", line, StringComparison.Ordinal);
        Assert.Contains(PayloadSha, line, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".part"));
    }

    [Fact]
    public async Task Corrupt_partial_file_is_caught_by_the_checksum()
    {
        await using var server = new TestHttpServer(Payload);
        var target = temp.File("m.gguf");
        File.WriteAllBytes(target + ".part", new byte[1000]); // wrong bytes, right length to resume from

        var result = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("checksum mismatch", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".part"));
    }

    [Fact]
    public async Task Server_ignoring_range_restarts_from_zero()
    {
        await using var server = new TestHttpServer(Payload) { HonourRange = false };
        var target = temp.File("m.gguf");
        File.WriteAllBytes(target + ".part", [9, 9, 9, 9, 9]); // would corrupt the file if appended to

        var result = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["bytes=5-"], server.RangeHeaders); // asked for a range, got the whole body
        Assert.Equal(Payload, File.ReadAllBytes(target));
        Assert.DoesNotContain("resumed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_is_a_clear_error()
    {
        await using var server = new TestHttpServer(Payload);
        var target = temp.File("m.gguf");

        var result = await CliRunner.RunAsync("model", "pull", server.MissingUrl.ToString(), "--out", target);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: GET http://127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", line, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task Interrupted_download_keeps_the_part_file_and_a_rerun_resumes()
    {
        await using var server = new TestHttpServer(Payload) { AbortAfterBytes = 100_000 };
        var target = temp.File("m.gguf");

        var first = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha);

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("run the command again to resume", Assert.Single(first.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        var kept = new FileInfo(target + ".part").Length;
        Assert.InRange(kept, 1, Payload.Length - 1);

        server.AbortAfterBytes = null;
        var second = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal($"bytes={kept}-", server.RangeHeaders.Last());
        Assert.Equal(Payload, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task Complete_part_file_is_verified_without_refetching()
    {
        await using var server = new TestHttpServer(Payload);
        var target = temp.File("m.gguf");
        File.WriteAllBytes(target + ".part", Payload);

        var result = await CliRunner.RunAsync("model", "pull", server.FileUrl.ToString(), "--out", target, "--sha256", PayloadSha);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([$"bytes={Payload.Length}-"], server.RangeHeaders); // answered 416 "bytes */N"
        Assert.Equal(Payload, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task Local_path_and_file_url_sources_are_copied()
    {
        var source = temp.File("source.gguf");
        File.WriteAllBytes(source, Payload);

        var byPath = await CliRunner.RunAsync("model", "pull", source, "--out", temp.File("a.gguf"), "--sha256", PayloadSha);
        var byUrl = await CliRunner.RunAsync("model", "pull", new Uri(source).AbsoluteUri, "--out", temp.File("b.gguf"), "--sha256", PayloadSha);

        Assert.Equal(0, byPath.ExitCode);
        Assert.Equal(0, byUrl.ExitCode);
        Assert.Equal(Payload, File.ReadAllBytes(temp.File("a.gguf")));
        Assert.Equal(Payload, File.ReadAllBytes(temp.File("b.gguf")));
    }

    [Theory]
    [InlineData("--sha256", "abc")]
    [InlineData("--sha256", "zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task Malformed_sha256_is_a_usage_error(string option, string value)
    {
        var result = await CliRunner.RunAsync("model", "pull", "http://127.0.0.1:1/x", "--out", temp.File("m.gguf"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--sha256 must be 64 hex digits", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_scheme_and_missing_local_source_are_usage_errors()
    {
        var ftp = await CliRunner.RunAsync("model", "pull", "ftp://example.invalid/m.gguf", "--out", temp.File("m.gguf"));
        var missing = await CliRunner.RunAsync("model", "pull", temp.File("nope.gguf"), "--out", temp.File("m.gguf"));

        Assert.Equal(2, ftp.ExitCode);
        Assert.Equal("error: unsupported source scheme 'ftp:' (use http, https, file or a local path)", Assert.Single(ftp.ErrorLines));
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: source file not found", Assert.Single(missing.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_connection_is_a_one_line_runtime_error()
    {
        // Grab a free port and close it again, so nothing listens there.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var result = await CliRunner.RunAsync("model", "pull", $"http://127.0.0.1:{port}/m.gguf", "--out", temp.File("m.gguf"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: download failed:", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    private static byte[] MakePayload(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
