using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class ProblemMappingTests
{
    [Theory]
    [InlineData(GuardErrorCodes.MalformedJson, 400)]
    [InlineData(GuardErrorCodes.InvalidType, 400)]
    [InlineData(GuardErrorCodes.MissingField, 400)]
    [InlineData(GuardErrorCodes.DuplicateProperty, 400)]
    [InlineData(GuardErrorCodes.InvalidRole, 422)]
    [InlineData(GuardErrorCodes.RolesNotAlternating, 422)]
    [InlineData(GuardErrorCodes.BlankContent, 422)]
    [InlineData(GuardErrorCodes.ImageNotSupported, 422)]
    [InlineData(GuardErrorCodes.UnknownExcludedCode, 422)]
    [InlineData(GuardErrorCodes.InvalidCategoryCode, 422)]
    public void ValidationCodesMapTo400Or422(string code, int status)
    {
        var info = ProblemMapping.Map(new GuardValidationException(code, "m", "messages[0]"))!;
        Assert.Equal(status, info.Status);
        Assert.Equal(code, info.Code);
        Assert.Equal("messages[0]", info.Path);
        Assert.Equal("m", info.Detail);
    }

    [Fact]
    public void LimitsMapTo413()
    {
        var info = ProblemMapping.Map(new GuardValidationException(GuardErrorCodes.MessageTooLong, "m", "messages[0].content", isLimit: true))!;
        Assert.Equal(413, info.Status);
        Assert.Equal("Payload too large", info.Title);
    }

    [Theory]
    [InlineData(RejectionKind.Invalid, GuardErrorCodes.RolesNotAlternating, 422)]
    [InlineData(RejectionKind.Invalid, GuardErrorCodes.InvalidType, 400)]
    [InlineData(RejectionKind.LimitExceeded, GuardErrorCodes.TooManyMessages, 413)]
    [InlineData(RejectionKind.NotFound, "tenant_not_found", 404)]
    [InlineData(RejectionKind.Conflict, "tenant_exists", 409)]
    [InlineData(RejectionKind.Overloaded, "overloaded", 429)]
    public void RejectionsMapByKind(RejectionKind kind, string code, int status)
    {
        var info = ProblemMapping.Map(new GuardRejectedException(code, "m", "p", kind), retryAfterSeconds: 3)!;
        Assert.Equal(status, info.Status);
        Assert.Equal(code, info.Code);
        Assert.Equal("p", info.Path);
        Assert.Equal(status == 429 ? 3 : null, info.RetryAfterSeconds);
    }

    [Fact]
    public void RejectionMapsLikeTheValidationErrorItWraps()
    {
        var error = new GuardValidationException(GuardErrorCodes.ConversationTooLong, "m", "messages[3]", isLimit: true);
        Assert.Equal(ProblemMapping.Map(error), ProblemMapping.Map(GuardRejectedException.From(error)));
    }

    [Fact]
    public void BodyTooLargeIs413AndOtherBadRequestsAre400()
    {
        Assert.Equal(413, ProblemMapping.Map(new BadHttpRequestException("big", 413))!.Status);
        Assert.Equal(400, ProblemMapping.Map(new BadHttpRequestException("bad", 400))!.Status);
        Assert.Equal(400, ProblemMapping.Map(new JsonException("x"))!.Status);
    }

    [Fact]
    public void ClusterTroubleIs503WithRetryAfter()
    {
        var info = ProblemMapping.Map(new SiloUnavailableException("gone"), retryAfterSeconds: 2)!;
        Assert.Equal(503, info.Status);
        Assert.Equal(2, info.RetryAfterSeconds);
        Assert.Equal(503, ProblemMapping.Map(new TimeoutException())!.Status);
    }

    [Fact]
    public void GatewayProblemsKeepTheirStatusAndServerFaultsAreNotMapped()
    {
        Assert.Equal(422, ProblemMapping.Map(new GatewayProblemException(422, "invalid_tenant_id", "m", "id"))!.Status);
        Assert.Null(ProblemMapping.Map(new InvalidOperationException("bug")));
        Assert.Null(ProblemMapping.Map(new NullReferenceException()));
    }

    [Fact]
    public void ProblemDetailsCarryCodeAndPath()
    {
        var details = ProblemWriter.ToProblemDetails(new ProblemInfo(422, "blank_content", "d", "messages[0].content"));
        Assert.Equal(422, details.Status);
        Assert.Equal("Invalid request", details.Title);
        Assert.Equal("blank_content", details.Extensions["code"]);
        Assert.Equal("messages[0].content", details.Extensions["path"]);
    }
}
