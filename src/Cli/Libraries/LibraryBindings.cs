using GuardCluster.Cli.Hosting;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Verdicts;
using GuardCluster.Engine;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Cli.Libraries;

/// <summary>
/// Picks the real library binding when <c>GuardLibraries.cs</c> is compiled in (it implements <see cref="Bind"/>);
/// otherwise every library call fails with one clear runtime error.
/// </summary>
public static partial class LibraryBindings
{
    public static IGuardLibraries Create()
    {
        IGuardLibraries? libraries = null;
        Bind(ref libraries);
        return libraries ?? new UnboundLibraries();
    }

    static partial void Bind(ref IGuardLibraries? libraries);

    private sealed class UnboundLibraries : IGuardLibraries
    {
        public (Conversation Conversation, SafetyPolicy Policy) ParseInput(string json) => throw Missing();

        public RenderedPrompt RenderPrompt(Conversation conversation, SafetyPolicy policy) => throw Missing();

        public string SerializeVerdict(GuardVerdict verdict) => throw Missing();

        public Task<IGuardEngine> LoadEngineAsync(EngineSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
            throw Missing();

        public string EnsureDemoModel() => throw Missing();

        public void WriteDemoModel(string path) => throw Missing();

        public void WriteSyntheticModel(string path, string? tokenizerJsonPath, ulong? seed, IProgress<double> progress) => throw Missing();

        public ModelDescription DescribeModel(string path) => throw Missing();

        private static CliException Missing() =>
            CliException.Runtime("this guardctl build does not include the GuardCluster libraries (GuardLibraries.cs is compiled out)");
    }
}
