using System.Text.Json;
using GuardCluster.Cli.Downloads;
using GuardCluster.Cli.Evaluation;
using GuardCluster.Core;

namespace GuardCluster.Cli.Hosting;

/// <summary>Turns any exception into one <c>error:</c> line plus an exit code; never a stack trace.</summary>
public static class ErrorReporter
{
    public const int CancelledExitCode = 130;

    public static int Report(Exception exception, TextWriter stderr)
    {
        var (message, code) = Describe(exception);
        stderr.WriteLine("error: " + OneLine(message));
        return code;
    }

    public static string FormatValidation(GuardValidationException ex) =>
        ex.Path is { Length: > 0 } path ? $"{ex.Message} ({ex.Code} at {path})" : $"{ex.Message} ({ex.Code})";

    private static (string Message, int Code) Describe(Exception exception) => exception switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        GuardValidationException validation => (FormatValidation(validation), CliException.UsageExitCode),
        DatasetFormatException dataset => (dataset.Message, CliException.UsageExitCode),
        JsonException json => ($"invalid JSON: {json.Message}", CliException.UsageExitCode),
        ChecksumMismatchException checksum => (checksum.Message, CliException.RuntimeExitCode),
        DownloadException download => (download.Message, CliException.RuntimeExitCode),
        HttpRequestException http => ($"download failed: {http.Message}", CliException.RuntimeExitCode),
        OperationCanceledException => ("cancelled", CancelledExitCode),
        IOException or UnauthorizedAccessException => (exception.Message, CliException.RuntimeExitCode),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),

        // Unknown failures still get one line; the type name helps a bug report without a trace.
        _ => ($"{exception.GetType().Name}: {exception.Message}", CliException.RuntimeExitCode),
    };

    // Messages from deep down (JSON readers, sockets) may span lines; the contract is one line.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
