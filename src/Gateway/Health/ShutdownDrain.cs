using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Health;

/// <summary>The <c>Guard:Shutdown</c> section: how a host leaves on SIGTERM (silo and standalone gateway).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Guard:Shutdown";

    /// <summary>The drain delay the silo and gateway executables use unless configured (in-process hosts, e.g. tests: 0).</summary>
    public const int ExecutableDrainSeconds = 5;

    /// <summary>
    /// Seconds between the stop signal and closing the HTTP listener. <c>/readyz</c> answers 503 <c>shutting down</c>
    /// from the first moment, and requests are still served meanwhile, so a load balancer polling readiness takes the
    /// host out before it stops accepting connections. Set it to the load balancer's time to notice (probe period ×
    /// failures needed).
    /// </summary>
    public int DrainSeconds { get; set; }

    /// <summary>For <c>Main</c>: <see cref="ExecutableDrainSeconds"/> unless <c>Guard:Shutdown:DrainSeconds</c> is set.</summary>
    public static void ApplyExecutableDefault(IConfigurationBuilder configuration, IConfiguration current)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(current);
        var key = $"{Section}:{nameof(DrainSeconds)}";
        if (current[key] is null)
        {
            configuration.AddInMemoryCollection([new(key, ExecutableDrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }
}

/// <summary>
/// Graceful shutdown, run before any hosted service stops (the Orleans silo or client among them): readiness is
/// already 503 (<c>ApplicationStopping</c>), then wait <see cref="ShutdownOptions.DrainSeconds"/> while still serving,
/// then stop the HTTP server, which refuses new connections and waits for the requests in flight (within the host's
/// shutdown timeout). Only then does the silo stop: it hands its grains over and leaves the cluster, so no request
/// this host accepted runs against a silo that has gone.
/// </summary>
public sealed partial class ShutdownDrain(IOptions<ShutdownOptions> options, IServer server, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var drain = Math.Max(0, options.Value.DrainSeconds);
        if (drain > 0)
        {
            LogDraining(logger, drain);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(drain), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out: stop the server at once.
            }
        }

        await server.StopAsync(cancellationToken);
        LogHttpStopped(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning, "Shutting down: readiness is 503; serving for {DrainSeconds} s more so load balancers take this host out")]
    private static partial void LogDraining(ILogger logger, int drainSeconds);

    [LoggerMessage(2, LogLevel.Warning, "Shutting down: HTTP stopped, in-flight requests done; stopping the cluster member")]
    private static partial void LogHttpStopped(ILogger logger);
}
