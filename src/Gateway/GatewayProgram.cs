using GuardCluster.Gateway.Extensions;
using GuardCluster.Gateway.Health;

namespace GuardCluster.Gateway;

/// <summary>
/// The standalone gateway: an Orleans client that serves the HTTP API and forwards work to the silos.
/// An explicit class (not top-level statements) so hosts referencing this assembly get no global <c>Program</c>.
/// </summary>
public static class GatewayProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            await RunAsync(args);
            return 0;
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException or ArgumentException)
        {
            // Configuration mistakes get one clear line, not a stack trace.
            await Console.Error.WriteLineAsync($"error: {error.Message}");
            return 1;
        }
    }

    private static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        ShutdownOptions.ApplyExecutableDefault(builder.Configuration, builder.Configuration);
        builder.UseOrleansClient(client => OrleansClientSetup.Configure(client, builder.Configuration));
        builder.Services.AddGuardGateway(builder.Configuration);

        // One instance serves both roles: Orleans reports connection changes to it, health endpoints read it.
        builder.Services.AddSingleton<ClusterClientReadiness>();
        builder.Services.AddSingleton<IGuardReadiness>(sp => sp.GetRequiredService<ClusterClientReadiness>());
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterClientReadiness>());

        var app = builder.Build();
        app.MapGuardGateway();
        await app.RunAsync();
    }
}
