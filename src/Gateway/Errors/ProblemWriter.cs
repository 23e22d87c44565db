using Microsoft.AspNetCore.Mvc;

namespace GuardCluster.Gateway.Errors;

/// <summary>
/// Writes a <see cref="ProblemInfo"/> as <c>application/problem+json</c>, or in OpenAI's error shape on OpenAI-compatible
/// routes (<see cref="OpenAiErrorWriter"/> takes it from the problem details service).
/// </summary>
public static class ProblemWriter
{
    public static ProblemDetails ToProblemDetails(ProblemInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var details = new ProblemDetails
        {
            Status = info.Status,
            Title = info.Title,
            Detail = info.Detail,
        };
        details.Extensions["code"] = info.Code;
        details.Extensions["path"] = info.Path;
        return details;
    }

    public static Task WriteAsync(HttpContext context, ProblemInfo info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        if (info.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // TypedResults.Problem goes through IProblemDetailsService when registered (trace id, customisation)
        // and still writes JSON when the client's Accept header would make that service decline.
        return TypedResults.Problem(ToProblemDetails(info)).ExecuteAsync(context);
    }
}
