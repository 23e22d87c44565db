using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Models;
using Microsoft.AspNetCore.Http.Metadata;

namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// Declares each endpoint's error responses for the OpenAPI document once per kind of endpoint, from what the
/// middleware and handlers really answer:
/// <list type="bullet">
/// <item>a key is required (<see cref="GuardAccessMetadata"/>): 401 missing/invalid key, 403 wrong kind of key
/// (or a limit above the quota), 429 rate or quota exceeded (or too many failed authentications), 503 cluster
/// or engine unavailable;</item>
/// <item>it reads a JSON body (<c>Accepts</c>): 400 shape errors, 413 size and count limits, 422 contract errors;</item>
/// <item>its route names a resource (<c>{id}</c>): 404 not found, 422 malformed id;</item>
/// <item>anything else an endpoint declares with <see cref="ProducesErrors"/> (409, 412, ...).</item>
/// </list>
/// Errors are <see cref="GuardProblem"/> (<c>application/problem+json</c>), or <see cref="OpenAiErrorBody"/> on
/// endpoints marked <see cref="WithOpenAiErrors"/>.
/// </summary>
public static class ErrorResponses
{
    public const string ProblemContentType = "application/problem+json";

    private static readonly int[] KeyStatuses = [401, 403, 429, 503];
    private static readonly int[] BodyStatuses = [400, 413, 422];
    private static readonly int[] ResourceStatuses = [404, 422];

    /// <summary>Adds error statuses this endpoint answers beyond those of its kind.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ErrorStatusesMetadata(statuses));

    /// <summary>This endpoint answers errors in OpenAI's shape.</summary>
    public static TBuilder WithOpenAiErrors<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OpenAiErrorsMetadata.Instance);

    /// <summary>Declares the error responses of every endpoint built under <paramref name="builder"/>.</summary>
    public static TBuilder DeclareErrorResponses<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Finally: runs after each endpoint's own conventions, so Accepts and the access metadata are already there.
        builder.Finally(Declare);
        return builder;
    }

    /// <summary>The error statuses an endpoint with this metadata and route can answer, ascending.</summary>
    public static IReadOnlyList<int> StatusesFor(IReadOnlyList<object> metadata, bool namesResource)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var statuses = new SortedSet<int>();
        if (metadata.OfType<GuardAccessMetadata>().Any())
        {
            statuses.UnionWith(KeyStatuses);
        }

        if (metadata.OfType<IAcceptsMetadata>().Any())
        {
            statuses.UnionWith(BodyStatuses);
        }

        if (namesResource)
        {
            statuses.UnionWith(ResourceStatuses);
        }

        foreach (var extra in metadata.OfType<ErrorStatusesMetadata>())
        {
            statuses.UnionWith(extra.Statuses);
        }

        return [.. statuses];
    }

    private static void Declare(EndpointBuilder endpoint)
    {
        var namesResource = endpoint is RouteEndpointBuilder route && route.RoutePattern.GetParameter("id") is not null;
        var statuses = StatusesFor([.. endpoint.Metadata], namesResource);
        var openAi = endpoint.Metadata.OfType<OpenAiErrorsMetadata>().Any();
        var (type, contentType) = openAi
            ? (typeof(OpenAiErrorBody), "application/json")
            : (typeof(GuardProblem), ProblemContentType);
        var declared = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
        foreach (var status in statuses.Where(s => !declared.Contains(s)))
        {
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, type, [contentType]));
        }
    }
}
