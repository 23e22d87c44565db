using GuardCluster.Gateway.Errors;
using Microsoft.AspNetCore.Mvc;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class OpenAiErrorMappingTests
{
    [Theory]
    [InlineData(400, "unknown_field", "invalid_request_error")]
    [InlineData(401, "invalid_api_key", "invalid_request_error")]
    [InlineData(403, "tenant_key_required", "invalid_request_error")]
    [InlineData(404, "not_found", "invalid_request_error")]
    [InlineData(413, "body_too_large", "invalid_request_error")]
    [InlineData(422, "blank_content", "invalid_request_error")]
    [InlineData(429, "rate_limited", "requests")]
    [InlineData(429, "overloaded", "requests")]
    [InlineData(429, "quota_exceeded", "insufficient_quota")]
    [InlineData(500, "internal_error", "server_error")]
    [InlineData(503, "cluster_unavailable", "server_error")]
    public void TypesFollowWhatOpenAiSends(int status, string code, string type) =>
        Assert.Equal(type, OpenAiErrorMapping.TypeFor(status, code));

    [Fact]
    public void ProblemBecomesOpenAiErrorKeepingCodeAndPath()
    {
        var problem = ProblemWriter.ToProblemDetails(new ProblemInfo(400, "image_not_supported", "No images.", "input[1]"));
        var error = OpenAiErrorMapping.FromProblem(problem, 400, "POST /v1/moderations").Error;
        Assert.Equal(new OpenAiError("No images.", "invalid_request_error", "input[1]", "image_not_supported"), error);
    }

    [Fact]
    public void FrameworkProblemWithoutDetailNamesTheRequest()
    {
        var problem = new ProblemDetails { Status = 405 };
        problem.Extensions["code"] = "method_not_allowed";
        var error = OpenAiErrorMapping.FromProblem(problem, 405, "GET /v1/moderations").Error;
        Assert.Equal("Method Not Allowed (GET /v1/moderations).", error.Message);
        Assert.Null(error.Param);
        Assert.Equal("method_not_allowed", error.Code);
    }
}
