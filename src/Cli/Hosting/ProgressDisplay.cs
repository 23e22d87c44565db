using Spectre.Console;

namespace GuardCluster.Cli.Hosting;

public enum ProgressUnit
{
    Fraction,
    Bytes,
    Items,
}

/// <summary>Receives progress: <paramref name="value"/> out of <paramref name="max"/> (null when unknown).</summary>
public interface IProgressSink
{
    void Report(double value, double? max);
}

/// <summary>
/// Runs work under a Spectre progress bar on stderr when the host is interactive, and silently otherwise,
/// so redirected or machine-read output never contains redraw escape codes.
/// </summary>
public static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(CliHost host, string description, ProgressUnit unit, Func<IProgressSink, Task<T>> work, bool enabled = true)
    {
        if (!host.Interactive || !enabled)
        {
            return await work(NullSink.Instance).ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(host.Stderr) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(Columns(unit))
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: 1);
                var result = await work(new SpectreSink(task, description, unit)).ConfigureAwait(false);
                task.StopTask();
                return result;
            })
            .ConfigureAwait(false);
    }

    private static ProgressColumn[] Columns(ProgressUnit unit) => unit switch
    {
        ProgressUnit.Bytes =>
        [
            new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
            new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn(),
        ],
        _ => [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()],
    };

    private sealed class NullSink : IProgressSink
    {
        public static NullSink Instance { get; } = new();

        public void Report(double value, double? max)
        {
        }
    }

    private sealed class SpectreSink(ProgressTask task, string description, ProgressUnit unit) : IProgressSink
    {
        public void Report(double value, double? max)
        {
            task.IsIndeterminate = max is null;
            if (max is { } m)
            {
                task.MaxValue = Math.Max(m, double.Epsilon);
            }

            task.Value = value;
            if (unit == ProgressUnit.Items)
            {
                task.Description = $"{description} {value:0}/{max:0}";
            }
        }
    }
}

/// <summary>Adapts a sink to <see cref="IProgress{T}"/> of a 0..1 fraction, synchronously (no thread-pool posting).</summary>
public sealed class FractionProgress(IProgressSink sink) : IProgress<double>
{
    public void Report(double value) => sink.Report(Math.Clamp(value, 0, 1), 1);
}
