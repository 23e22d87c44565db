using LLama.Native;
using Microsoft.Extensions.Logging;

namespace GuardCluster.Engine.Native;

/// <summary>
/// One-time, process-wide llama.cpp setup. LLamaSharp requires the native library configuration
/// (backend choice, log callback) before the first native call, so every engine goes through here.
/// </summary>
public static class NativeBackend
{
    private static readonly Lock Gate = new();
    private static ILogger? _logger;
    private static bool _configured;

    public static void EnsureConfigured(ILoggerFactory? loggerFactory)
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            _logger = loggerFactory?.CreateLogger("llama.cpp");
            if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                // Exactly one backend package is referenced (CPU, or CUDA 12 with -p:GuardBackend=Cuda12); auto-fallback
                // lets llama.cpp pick a lower CPU instruction set (avx2 → avx → noavx) on older processors.
                NativeLibraryConfig.All.WithAutoFallback(true).WithLogCallback(OnNativeLog);
            }

            _configured = true;
        }
    }

    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        var logger = _logger;
        if (logger is null)
        {
            return;
        }

        // llama.cpp is chatty at load time; only warnings and errors deserve more than Debug.
        var mapped = level switch
        {
            LLamaLogLevel.Error => LogLevel.Error,
            LLamaLogLevel.Warning => LogLevel.Warning,
            LLamaLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (logger.IsEnabled(mapped))
        {
#pragma warning disable CA1848, CA2254 // native text is not a template
            logger.Log(mapped, message.TrimEnd('\n'));
#pragma warning restore CA1848, CA2254
        }
    }
}
