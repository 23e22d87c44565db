using GuardCluster.Core.Telemetry;
using GuardCluster.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GuardCluster.Grains.Engine;

/// <summary>
/// Loads this silo's inference engine at start-up and hands it to grains. Grain calls that arrive while the
/// model is still loading wait for it instead of failing; a load failure is reported to every caller.
/// </summary>
public sealed partial class GuardEngineHost(
    IOptions<GuardEngineHostOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<GuardEngineHost> logger,
    GuardMetrics? metrics = null) : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<IGuardEngine> _engine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsLoaded => _engine.Task.IsCompletedSuccessfully;

    /// <summary>The loaded engine's health (ready, restarting after a scheduler failure, failed); null until loaded.</summary>
    public EngineHealth? Health => _engine.Task.IsCompletedSuccessfully ? _engine.Task.Result.Health : null;

    public string? FailureReason => _engine.Task.IsFaulted ? _engine.Task.Exception?.GetBaseException().Message : null;

    public Task<IGuardEngine> GetEngineAsync() => _engine.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var engineOptions = options.Value.Engine
            ?? throw new InvalidOperationException("No model configured for this silo (Guard:Model:Path).");
        try
        {
            LogLoading(engineOptions.ModelPath);
            var engine = await LlamaGuardEngine.LoadAsync(engineOptions, loggerFactory, metrics, cancellationToken).ConfigureAwait(false);
            LogLoaded(engine.ModelName, engineOptions.ContextSize, engineOptions.EffectiveThreadsForLog());
            _engine.TrySetResult(engine);
        }
        catch (Exception ex)
        {
            _engine.TrySetException(ex);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_engine.Task.IsCompletedSuccessfully)
        {
            await _engine.Task.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading model {Path}")]
    private partial void LogLoading(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} loaded (context {Context}, threads {Threads})")]
    private partial void LogLoaded(string model, int context, int threads);
}

public sealed class GuardEngineHostOptions
{
    /// <summary>Null on a model-less silo.</summary>
    public EngineOptions? Engine { get; set; }
}

internal static class EngineOptionsLogExtensions
{
    public static int EffectiveThreadsForLog(this EngineOptions options) =>
        options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
}
