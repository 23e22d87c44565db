using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Libraries;
using GuardCluster.Engine;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Cli.Commands;

/// <summary>
/// Loads an engine with a console logger on stderr (warnings only unless --verbose). The returned lease
/// disposes the engine first and the logger last, so shutdown messages still get written.
/// </summary>
public sealed class EngineLease : IAsyncDisposable
{
    private readonly ILoggerFactory loggerFactory;

    private EngineLease(IGuardEngine engine, ILoggerFactory loggerFactory)
    {
        Engine = engine;
        this.loggerFactory = loggerFactory;
    }

    public IGuardEngine Engine { get; }

    public static async Task<EngineLease> LoadAsync(CliHost host, EngineSettings settings, bool verbose, CancellationToken cancellationToken)
    {
        var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        try
        {
            var engine = await host.Libraries.LoadEngineAsync(settings, loggerFactory, cancellationToken).ConfigureAwait(false);
            return new EngineLease(engine, loggerFactory);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        loggerFactory.Dispose();
    }
}
