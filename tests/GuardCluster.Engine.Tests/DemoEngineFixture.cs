using GuardCluster.Models;

namespace GuardCluster.Engine.Tests;

/// <summary>One real llama.cpp engine on the generated demo model, shared by the tests of a collection.</summary>
public sealed class DemoEngineFixture : IAsyncLifetime
{
    public LlamaGuardEngine Engine { get; private set; } = null!;

    public string ModelPath { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ModelPath = DemoModel.EnsureCached();
        Engine = await LlamaGuardEngine.LoadAsync(new EngineOptions
        {
            ModelPath = ModelPath,
            ContextSize = 32768,
            MaxSequences = 8,
            Threads = 2,
        });
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DemoEngineCollection : ICollectionFixture<DemoEngineFixture>
{
    public const string Name = "demo-engine";
}
