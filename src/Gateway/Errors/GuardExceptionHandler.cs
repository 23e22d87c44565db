using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using GuardCluster.Core;

namespace GuardCluster.Gateway.Errors;

/// <summary>
/// Turns client errors thrown anywhere below (handlers, grains, body reading) into problem details, so bad
/// input never surfaces as a 500. Unknown exceptions become a bare 500 without internals.
/// </summary>
internal sealed partial class GuardExceptionHandler(IOptions<GatewayOptions> options, ILogger<GuardExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A client that hung up gets no answer; there is nobody to read it.
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var info = ProblemMapping.Map(exception, options.Value.RetryAfterSeconds);
        if (info is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Path);
            info = new ProblemInfo(500, GuardErrorCodes.InternalError, "An unexpected error occurred.");
        }

        httpContext.Response.Clear();
        httpContext.Response.StatusCode = info.Status;
        await ProblemWriter.WriteAsync(httpContext, info);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception error, string path);
}
