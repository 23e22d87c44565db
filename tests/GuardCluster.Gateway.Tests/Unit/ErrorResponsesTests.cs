using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.OpenApi;
using Microsoft.AspNetCore.Http.Metadata;

namespace GuardCluster.Gateway.Tests.Unit;

/// <summary>The error statuses declared per kind of endpoint (the contract test checks them route by route).</summary>
public sealed class ErrorResponsesTests
{
    [Fact]
    public void An_anonymous_endpoint_without_body_or_resource_declares_no_errors() =>
        Assert.Empty(ErrorResponses.StatusesFor([], namesResource: false));

    [Fact]
    public void A_key_means_401_403_429_503() =>
        Assert.Equal([401, 403, 429, 503], ErrorResponses.StatusesFor([new GuardAccessMetadata(GuardAccess.Tenant)], namesResource: false));

    [Fact]
    public void A_body_means_400_413_422_and_a_resource_404_422() =>
        Assert.Equal([400, 404, 413, 422], ErrorResponses.StatusesFor([new Accepts()], namesResource: true));

    [Fact]
    public void Extras_join_the_kinds_without_duplicates() =>
        Assert.Equal(
            [400, 401, 403, 409, 412, 413, 422, 429, 503],
            ErrorResponses.StatusesFor([new GuardAccessMetadata(GuardAccess.Admin), new Accepts(), new ErrorStatusesMetadata([412, 409, 400])], namesResource: false));

    private sealed class Accepts : IAcceptsMetadata
    {
        public IReadOnlyList<string> ContentTypes { get; } = ["application/json"];

        public Type? RequestType => null;

        public bool IsOptional => false;
    }
}
