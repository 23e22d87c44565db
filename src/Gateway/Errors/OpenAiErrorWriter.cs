using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace GuardCluster.Gateway.Errors;

/// <summary>
/// Writes every problem on an OpenAI-compatible route (<see cref="ErrorFormats"/>) in OpenAI's error shape instead
/// of RFC 7807. Registered ahead of ASP.NET Core's default writer, so all error sources take this path unchanged:
/// <see cref="ProblemWriter"/> (handlers, the exception handler, auth) and the framework's status-code pages
/// (wrong method, unknown sub-path). The same <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/> runs first,
/// so framework answers get their <c>code</c> and telemetry sees it, exactly as on other routes.
/// </summary>
internal sealed class OpenAiErrorWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<HttpJsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ErrorFormats.For(context.HttpContext) == ErrorFormat.OpenAi;
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        context.ProblemDetails.Status ??= http.Response.StatusCode;
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var body = OpenAiErrorMapping.FromProblem(context.ProblemDetails, status, $"{http.Request.Method} {http.Request.Path}");
        return new ValueTask(http.Response.WriteAsJsonAsync(body, jsonOptions.Value.SerializerOptions, "application/json", http.RequestAborted));
    }
}
