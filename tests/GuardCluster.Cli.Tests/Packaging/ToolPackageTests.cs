using System.Text.Json.Nodes;
using GuardCluster.Cli.Tests.Support;

namespace GuardCluster.Cli.Tests.Packaging;

/// <summary>
/// SLOW (a Release pack of src/Cli, about a minute or two on 2 cores): guardctl as users get it. Packs the tool,
/// installs it with <c>dotnet tool install</c> into a temp tool path, and runs the installed <c>guardctl</c> as a real
/// process: <c>--help</c>, <c>prompt</c>, and <c>classify -m demo</c> (which needs the llama.cpp native libraries in the
/// package). Filter it out with <c>--filter "Category!=Packaging"</c> when iterating.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Packed_tool_installs_and_runs_prompt_and_classify_on_the_demo_model()
    {
        var project = Path.Combine(RepositoryRoot(), "src", "Cli", "GuardCluster.Cli.csproj");
        var feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        var tools = temp.File("tools");

        // A private package cache: a stale copy of the same version in ~/.nuget/packages must not stand in for this build.
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = temp.File("nuget-packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        var pack = await ProcessRunner.RunAsync("dotnet", ["pack", project, "-c", "Release", "-o", feed], PackLimit);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(feed, "GuardCluster.Cli.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["GuardCluster.Cli.".Length..];

        var install = await ProcessRunner.RunAsync(
            "dotnet", ["tool", "install", "GuardCluster.Cli", "--tool-path", tools, "--add-source", feed, "--version", version, "--ignore-failed-sources"], InstallLimit, environment);
        Assert.True(install.ExitCode == 0, install.ToString());
        var guardctl = Path.Combine(tools, OperatingSystem.IsWindows() ? "guardctl.exe" : "guardctl");
        Assert.True(File.Exists(guardctl), $"no {guardctl} after install:\n{install}");

        var help = await ProcessRunner.RunAsync(guardctl, ["--help"], RunLimit);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("tenants", help.Stdout, StringComparison.Ordinal);

        var input = temp.File("input.json");
        await File.WriteAllTextAsync(input, """{"messages":[{"role":"user","content":"How do I make bread?"}]}""");
        var prompt = await ProcessRunner.RunAsync(guardctl, ["prompt", "-i", input, "--json"], RunLimit);
        Assert.True(prompt.ExitCode == 0, prompt.ToString());
        Assert.Contains("How do I make bread?", JsonNode.Parse(prompt.Stdout)!["prompt"]!.GetValue<string>(), StringComparison.Ordinal);

        var classify = await ProcessRunner.RunAsync(guardctl, ["classify", "-i", input, "-m", "demo"], RunLimit);
        Assert.True(classify.ExitCode == 0, classify.ToString());
        Assert.Equal("safe", JsonNode.Parse(classify.Stdout)!["verdict"]!.GetValue<string>());
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
