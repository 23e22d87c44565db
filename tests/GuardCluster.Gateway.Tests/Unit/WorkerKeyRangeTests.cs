using GuardCluster.Gateway;
using GuardCluster.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Tests.Unit;

/// <summary>
/// A silo with a model serves its own classify calls locally (stateless workers activate on the calling silo), so it
/// needs one worker key; a model-less silo must spread its calls over the model silos with a key range.
/// </summary>
public sealed class WorkerKeyRangeTests
{
    [Fact]
    public async Task Silo_with_a_model_uses_one_worker_key()
    {
        Assert.Equal(1, await RangeFor(new() { ["Guard:Demo"] = "true" }));
    }

    [Fact]
    public async Task Model_less_silo_keeps_the_default_range()
    {
        Assert.Equal(new GatewayOptions().WorkerKeyRange, await RangeFor([]));
    }

    [Fact]
    public async Task An_explicit_range_wins()
    {
        Assert.Equal(64, await RangeFor(new() { ["Guard:Demo"] = "true", ["Guard:Gateway:WorkerKeyRange"] = "64" }));
    }

    private static async Task<int> RangeFor(Dictionary<string, string?> settings)
    {
        settings["Guard:AdminKey"] = "worker-key-range-admin-key-0123456789";
        settings["Guard:Storage:Provider"] = "Memory";
        var builder = GuardSilo.CreateBuilder([], b => b.Configuration.AddInMemoryCollection(settings));
        await using var app = GuardSilo.Build(builder); // built, never started: only the options are read
        return app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.WorkerKeyRange;
    }
}
