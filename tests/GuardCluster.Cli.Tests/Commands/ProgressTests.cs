using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Commands;

/// <summary>The Spectre progress path (interactive hosts) draws on stderr only and leaves stdout clean.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Interactive_pull_keeps_progress_off_stdout()
    {
        var payload = new byte[150_000];
        new Random(3).NextBytes(payload);
        await using var server = new TestHttpServer(payload);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var host = new CliHost(stdout, stderr, new StringReader(""), new FakeLibraries(), Interactive: true);

        var code = await GuardCtl.InvokeAsync(["model", "pull", server.FileUrl.ToString(), "--out", temp.File("m.gguf")], host);

        Assert.Equal(0, code);
        Assert.StartsWith("saved ", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("error", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(payload, File.ReadAllBytes(temp.File("m.gguf")));
    }

    [Fact]
    public async Task Interactive_synth_reports_fractions()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var host = new CliHost(stdout, stderr, new StringReader(""), new FakeLibraries(), Interactive: true);

        var code = await GuardCtl.InvokeAsync(["model", "synth", "--out", temp.File("s.gguf")], host);

        Assert.Equal(0, code);
        Assert.StartsWith("wrote ", stdout.ToString(), StringComparison.Ordinal);
    }
}
