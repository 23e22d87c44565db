using System.Text.Json;
using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Gateway.Apis;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.Moderation;
using GuardCluster.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class RequestParsingTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static class PolicyUpdate
    {
        /// <summary>What the tenant grain does with a parsed body: merge into the stored policy and validate.</summary>
        public static TenantPolicy Apply(JsonElement root, TenantPolicy current) => Apis.PolicyUpdate.Parse(root).Patch.ApplyTo(current);
    }

    [Fact]
    public void PolicyUpdateReplacesOnlyPresentFields()
    {
        var current = TenantPolicy.Initial with { Policy = SafetyPolicy.Default with { ExcludedCodes = ["S2"], Threshold = 0.4 } };

        var onlyThreshold = PolicyUpdate.Apply(Json("""{"threshold":0.7}"""), current);
        Assert.Equal(0.7, onlyThreshold.Policy.Threshold);
        Assert.Equal(["S2"], onlyThreshold.Policy.ExcludedCodes);
        Assert.Equal(13, onlyThreshold.Policy.Categories.Count);

        var cleared = PolicyUpdate.Apply(Json("""{"threshold":null}"""), current);
        Assert.Null(cleared.Policy.Threshold);

        var replaced = PolicyUpdate.Apply(Json("""{"categories":{"S1":"Violence.","S2":"Spam."}}"""), current);
        Assert.Equal(["S1", "S2"], replaced.Policy.Categories.Select(c => c.Code));
        Assert.Empty(replaced.Policy.ExcludedCodes);

        var limits = PolicyUpdate.Apply(Json("""{"limits":{"max_turns":4}}"""), current);
        Assert.Equal(4, limits.Limits.MaxTurns);
        Assert.Equal(current.Limits.MaxMessageChars, limits.Limits.MaxMessageChars);
    }

    [Theory]
    [InlineData("""{"categories":["S1"]}""", GuardErrorCodes.InvalidType)]
    [InlineData("""{"categories":{"X1":"x"}}""", GuardErrorCodes.InvalidCategoryCode)]
    [InlineData("""{"excluded_category_keys":["S99"]}""", GuardErrorCodes.UnknownExcludedCode)]
    [InlineData("""{"threshold":"high"}""", GuardErrorCodes.InvalidType)]
    [InlineData("""{"threshold":2}""", GuardErrorCodes.InvalidThreshold)]
    [InlineData("""{"limits":{"max_turns":1.5}}""", GuardErrorCodes.InvalidType)]
    [InlineData("""{"limits":{"max_turns":0}}""", GuardErrorCodes.InvalidLimit)]
    [InlineData("""{"treshold":0.5}""", GuardErrorCodes.UnknownField)]
    [InlineData("""{"limits":{"max_turn":5}}""", GuardErrorCodes.UnknownField)]
    [InlineData("""{"quotas":{}}""", GuardErrorCodes.UnknownField)]
    [InlineData("""{"version":"3"}""", GuardErrorCodes.InvalidType)]
    [InlineData("""{"version":0}""", GuardErrorCodes.InvalidType)]
    public void PolicyUpdateRejectsBadFields(string json, string code)
    {
        var error = Assert.Throws<GuardValidationException>(() => PolicyUpdate.Apply(Json(json), TenantPolicy.Initial));
        Assert.Equal(code, error.Code);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("\"3\"", null, "3")]
    [InlineData("W/\"3\"", null, "3")]
    [InlineData("\"2\", \"3\"", null, "2,3")]
    [InlineData("*", null, null)]
    [InlineData("*", 4, "4")]
    [InlineData("3", null, "")]
    [InlineData("\"x\"", null, "")]
    [InlineData("\"3\"", 3, "3")]
    [InlineData("\"3\"", 4, "")]
    [InlineData(null, 5, "5")]
    public void IfMatchAndBodyVersionGiveTheAcceptedVersions(string? ifMatch, int? bodyVersion, string? expected)
    {
        var header = ifMatch is null ? Microsoft.Extensions.Primitives.StringValues.Empty : new Microsoft.Extensions.Primitives.StringValues(ifMatch);
        var accepted = Apis.PolicyUpdate.AcceptedVersions(header, bodyVersion);
        Assert.Equal(expected, accepted is null ? null : string.Join(',', accepted));
    }

    [Fact]
    public void ClassifyUsesTenantPolicyAndLimits()
    {
        var tenant = TenantPolicy.Initial with { Limits = new TenantLimits(10, 3, 100) };
        var input = ClassifyApi.Parse(Json("""{"messages":[{"role":"user","content":"hi"}],"excluded_category_keys":["S13"]}"""), tenant);
        Assert.Equal(ChatRole.User, input.Conversation.CheckedRole);
        Assert.False(input.Policy.IsActive("S13"));

        var error = Assert.Throws<GuardValidationException>(() =>
            ClassifyApi.Parse(Json("""{"messages":[{"role":"user","content":"more than ten chars"}]}"""), tenant));
        Assert.True(error.IsLimit);
    }

    [Fact]
    public void ModerationInputAcceptsStringAndStringArrays()
    {
        var one = ModerationInput.Parse(Json("""{"input":"hello","model":"omni-moderation-latest"}"""), 32);
        Assert.Equal([new ModerationItem("hello", "input", null)], one.Inputs);
        Assert.Equal("omni-moderation-latest", one.Model);

        var many = ModerationInput.Parse(Json("""{"input":["a","b"]}"""), 32);
        Assert.Equal([new ModerationItem("a", "input[0]", 0), new ModerationItem("b", "input[1]", 1)], many.Inputs);
        Assert.Null(many.Model);
    }

    [Fact]
    public void ModerationContentPartsAreOneInputWithTheirTextsJoined()
    {
        var parts = ModerationInput.Parse(Json("""{"input":[{"type":"text","text":"a"},{"text":"b","type":"text"}]}"""), 1);
        Assert.Equal([new ModerationItem("a\nb", "input", null)], parts.Inputs);

        // The count limit is on inputs, and an array of parts is one.
        var many = ModerationInput.Parse(Json("""{"input":[{"type":"text","text":"a"},{"type":"text","text":"b"},{"type":"text","text":"c"}]}"""), 2);
        Assert.Single(many.Inputs);
    }

    [Theory]
    [InlineData("""{"input":[]}""", 400, "empty_input", "input")]
    [InlineData("""{"input":[1]}""", 400, "invalid_type", "input[0]")]
    [InlineData("""{"input":42}""", 400, "invalid_type", "input")]
    [InlineData("""{"input":{"type":"text","text":"a"}}""", 400, "invalid_type", "input")]
    [InlineData("""{"input":["a",{"type":"text","text":"b"}]}""", 400, "invalid_type", "input[1]")]
    [InlineData("""{"input":[{"type":"text","text":"b"},"a"]}""", 400, "invalid_type", "input[1]")]
    [InlineData("""{"input":[{"type":"image_url","image_url":{"url":"x"}}]}""", 400, "image_not_supported", "input[0]")]
    [InlineData("""{"input":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}}]}""", 400, "image_not_supported", "input[1]")]
    [InlineData("""{"input":[{"type":"input_audio"}]}""", 400, "unsupported_content_part", "input[0].type")]
    [InlineData("""{"input":["a","b","c"]}""", 413, "too_many_inputs", "input")]
    public void ModerationInputRejectsBadInputs(string json, int status, string code, string path)
    {
        var error = Assert.Throws<GatewayProblemException>(() => ModerationInput.Parse(Json(json), 2));
        Assert.Equal(status, error.Status);
        Assert.Equal(code, error.Code);
        Assert.Equal(path, error.Path);
    }

    [Theory]
    [InlineData("""{"input":[{"text":"a"}]}""", "missing_field", "input[0].type")]
    [InlineData("""{"input":[{"type":"text"}]}""", "missing_field", "input[0].text")]
    [InlineData("""{"input":[{"type":"text","text":7}]}""", "invalid_type", "input[0].text")]
    [InlineData("""{"input":[{"type":"text","text":"a","extra":1}]}""", "unknown_field", "input[0].extra")]
    public void ModerationContentPartShapeErrorsNameTheField(string json, string code, string path)
    {
        var error = Assert.Throws<GuardValidationException>(() => ModerationInput.Parse(Json(json), 2));
        Assert.Equal(code, error.Code);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void ModerationInputRequiresInput()
    {
        var error = Assert.Throws<GuardValidationException>(() => ModerationInput.Parse(Json("""{"model":"m"}"""), 2));
        Assert.Equal(GuardErrorCodes.MissingField, error.Code);
    }

    [Fact]
    public void WorkerKeysCycleThroughTheWholeRange()
    {
        var keys = new WorkerKeys(Options.Create(new GatewayOptions { WorkerKeyRange = 8 }));
        var seen = Enumerable.Range(0, 8).Select(_ => keys.Next()).ToHashSet();
        Assert.Equal(8, seen.Count);
        Assert.All(seen, k => Assert.InRange(k, 0, 7));
    }
}
