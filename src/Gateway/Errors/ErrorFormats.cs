namespace GuardCluster.Gateway.Errors;

/// <summary>
/// The one place that decides which <see cref="ErrorFormat"/> a request's errors use. By path rather than endpoint
/// metadata so answers written before or without an endpoint (auth, unknown sub-path, wrong method) agree too.
/// </summary>
public static class ErrorFormats
{
    /// <summary>Routes that mirror OpenAI's API; everything under them answers errors the OpenAI way.</summary>
    public static IReadOnlyList<string> OpenAiRoutes { get; } = ["/v1/moderations"];

    public static ErrorFormat For(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.PathBase.Add(context.Request.Path);
        foreach (var route in OpenAiRoutes)
        {
            if (path.StartsWithSegments(route, StringComparison.OrdinalIgnoreCase))
            {
                return ErrorFormat.OpenAi;
            }
        }

        return ErrorFormat.ProblemDetails;
    }
}
