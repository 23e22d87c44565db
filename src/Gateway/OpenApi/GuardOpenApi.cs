namespace GuardCluster.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: GuardCluster's own endpoints only, with request schemas that
/// match the strict parsers, success and error responses, the Bearer schemes, and summaries from XML docs
/// (the OpenAPI source generator reads this project's <c>///</c> comments; it skips private members, which is why
/// endpoint handlers are internal). See docs/api.md.
/// </summary>
public static class GuardOpenApi
{
    public static IServiceCollection AddGuardOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.ShouldInclude = description =>
                description.ActionDescriptor.EndpointMetadata.OfType<GuardApiMetadata>().Any();
            options.AddDocumentTransformer<GuardDocumentTransformer>();
            options.AddOperationTransformer<GuardOperationTransformer>();
            options.AddSchemaTransformer<GuardSchemaTransformer>();
        });

    /// <summary>Marks every endpoint under <paramref name="builder"/> as part of the documented API and declares its error responses.</summary>
    public static TBuilder DescribeGuardApi<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(GuardApiMetadata.Instance).DeclareErrorResponses();
}
