using GuardCluster.Engine;
using GuardCluster.Grains.Hosting;
using GuardCluster.Models;
using GuardCluster.Silo.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace GuardCluster.Cluster.Tests;

/// <summary>
/// A real in-process Orleans cluster: every model silo runs the real llama.cpp engine on the demo model,
/// state goes to a real SQLite file shared by the silos (so it survives a silo being killed).
/// </summary>
public abstract class GuardClusterFixture : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"guardcluster-tests-{Guid.NewGuid():N}.db");

    protected abstract short SiloCount { get; }

    /// <summary>Silos started without a model (by Orleans test silo name: Silo_0, Silo_1, ...).</summary>
    protected virtual IReadOnlySet<string> ModelLessSilos { get; } = new HashSet<string>();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The SQLite file every silo stores grain state in.</summary>
    public string DatabasePath => _databasePath;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var modelPath = DemoModel.EnsureCached();
        var modelLess = ModelLessSilos;
        var databasePath = _databasePath;
        var builder = new InProcessTestClusterBuilder(SiloCount);
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var engine = modelLess.Contains(options.SiloName)
                ? null
                : new EngineOptions { ModelPath = modelPath, ContextSize = 8192, Threads = 1, MaxSequences = 8 };
            silo.AddGuardGrains(engine);
            silo.AddGuardStorage(new GuardSiloOptions.StorageSettings { Provider = "Sqlite", SqlitePath = databasePath });
        });
        // The client refreshes its copy of the cluster manifest once a minute by default; a client that first saw a
        // gateway before every silo's grain types had spread would keep failing to resolve model-bound interfaces.
        builder.ConfigureClient(client => client.Configure<TypeManagementOptions>(o => o.TypeMapRefreshInterval = TimeSpan.FromSeconds(1)));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.WaitForClusterManifestToStabilizeAsync();
        await WaitUntilClientKnowsGrainTypesAsync();
    }

    /// <summary>
    /// In a heterogeneous cluster the client learns which silo hosts which grain type from the cluster manifest,
    /// which it refreshes on its own schedule; until then resolving a model-bound interface fails.
    /// </summary>
    private async Task WaitUntilClientKnowsGrainTypesAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                _ = Client.GetGrain<Contracts.Grains.IGuardWorkerGrain>(0);
                _ = Client.GetGrain<Contracts.Grains.IConversationGrain>("probe/probe");
                return;
            }
            catch (ArgumentException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }
}

public sealed class ThreeModelSilosFixture : GuardClusterFixture
{
    protected override short SiloCount => 3;
}

/// <summary>One silo loads the model, one does not.</summary>
public sealed class MixedSilosFixture : GuardClusterFixture
{
    public const string ModelLessSiloName = "Silo_1";

    protected override short SiloCount => 2;

    protected override IReadOnlySet<string> ModelLessSilos { get; } = new HashSet<string> { ModelLessSiloName };
}
