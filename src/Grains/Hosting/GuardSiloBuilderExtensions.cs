using GuardCluster.Contracts.Telemetry;
using GuardCluster.Engine;
using GuardCluster.Grains.Engine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace GuardCluster.Grains.Hosting;

public static class GuardSiloBuilderExtensions
{
    /// <summary>
    /// Registers GuardCluster's grains. With <paramref name="engine"/> the silo loads that model and hosts the
    /// model-bound grains (workers, conversations); without it the silo is model-less: those grain classes are
    /// removed from it (heterogeneous silos), so Orleans places them only on silos that loaded a model.
    /// </summary>
    public static ISiloBuilder AddGuardGrains(this ISiloBuilder builder, EngineOptions? engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddIncomingGrainCallFilter<GuardRejectionFilter>();
        builder.Services.Configure<GuardEngineHostOptions>(o => o.Engine = engine);
        builder.Services.AddGuardMetrics();
        builder.Services.AddSingleton<GuardEngineHost>();
        if (engine is not null)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<GuardEngineHost>());
        }
        else
        {
            builder.Services.Configure<GrainTypeOptions>(options =>
            {
                options.Classes.Remove(typeof(GuardWorkerGrain));
                options.Classes.Remove(typeof(ConversationGrain));
            });
        }

        return builder;
    }
}
