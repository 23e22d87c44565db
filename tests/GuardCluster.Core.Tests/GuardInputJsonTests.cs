using System.Text.Json;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Serialization;
using static GuardCluster.Core.Tests.Assertions;

namespace GuardCluster.Core.Tests;

public class GuardInputJsonTests
{
    private const string OneUser = """{"messages":[{"role":"user","content":"hi"}]""";

    private static GuardInput Parse(string json) => GuardInputJson.Parse(json);

    private static void Fails(string code, string json, string? path = null, bool isLimit = false) =>
        Rejects(code, () => Parse(json), path, isLimit);

    [Fact]
    public void Minimal_UsesDefaultPolicy()
    {
        var input = Parse(OneUser + "}");
        Assert.Equal([ChatMessage.User("hi").TextParts[0]], input.Conversation.Messages[0].TextParts);
        Assert.Equal(ChatRole.User, input.Conversation.Messages[0].Role);
        Assert.Equal(DefaultCategories.All, input.Policy.Categories);
        Assert.Empty(input.Policy.ExcludedCodes);
        Assert.Null(input.Policy.Threshold);
    }

    [Fact]
    public void PartsArray_KeepsEachPart()
    {
        var input = Parse("""{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}""");
        Assert.Equal(["a", "b"], input.Conversation.Messages[0].TextParts);
    }

    [Fact]
    public void CustomCategories_KeepDocumentOrder_AndExclusionsApply()
    {
        var input = Parse(OneUser + ""","categories":{"S9":"Nine","S2":"Two","S5":"Five"},"excluded_category_keys":["S2"],"threshold":0.25}""");
        Assert.Equal(["S9", "S2", "S5"], input.Policy.Categories.Select(c => c.Code));
        Assert.Equal(["S9", "S5"], input.Policy.ActiveCategories.Select(c => c.Code));
        Assert.Equal(0.25, input.Policy.Threshold);
        Assert.Contains("S9: Nine\nS5: Five\n<END", LlamaGuardPrompt.Render(input.Conversation, input.Policy).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void BasePolicy_IsOverridden()
    {
        var basePolicy = SafetyPolicy.Default with { ExcludedCodes = ["S13"], Threshold = 0.3 };
        var input = GuardInputJson.Parse(OneUser + ""","excluded_category_keys":["S6"]}""", basePolicy: basePolicy);
        Assert.Equal(["S13", "S6"], input.Policy.ExcludedCodes);
        Assert.Equal(0.3, input.Policy.Threshold);
    }

    [Fact]
    public void NullOptionalFields_AreAbsent()
    {
        var input = Parse(OneUser + ""","categories":null,"excluded_category_keys":null,"threshold":null}""");
        Assert.Equal(13, input.Policy.ActiveCategories.Count());
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"treshold":0.5}""", "treshold")]
    [InlineData("""{"messages":[{"role":"user","content":"a","name":"x"}]}""", "messages[0].name")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"a","x":1}]}]}""", "messages[0].content[0].x")]
    public void UnknownFields_AreRefusedWithTheirPath(string json, string path)
    {
        var ex = Rejects(GuardErrorCodes.UnknownField, () => Parse(json));
        Assert.Equal(path, ex.Path);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"\ud800":1}""", "$")]
    [InlineData("""{"messages":[{"role":"user","content":"a","\udfff":1}]}""", "messages[0]")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"categories":{"\ud800":"x"}}""", "categories")]
    [InlineData("""{"messages":[{"role":"user","content":"a\ud800"}]}""", "messages[0].content")]
    public void LoneSurrogates_InNamesAndValues_AreInvalidCharacters(string json, string path)
    {
        var ex = Rejects(GuardErrorCodes.InvalidCharacter, () => Parse(json));
        Assert.Equal(path, ex.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"messages\":[],}")]
    [InlineData("{\"messages\": [ /* c */ ]}")]
    public void Malformed(string json) => Fails(GuardErrorCodes.MalformedJson, json);

    [Fact]
    public void Malformed_ReportsLine()
    {
        var ex = Rejects(GuardErrorCodes.MalformedJson, () => Parse("{\n\"messages\": [,]}"));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("{\"messages\":{}}", "messages")]
    [InlineData("{\"messages\":[1]}", "messages[0]")]
    [InlineData("{\"messages\":[{\"role\":1,\"content\":\"x\"}]}", "messages[0].role")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":null}]}", "messages[0].content")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[\"x\"]}]}", "messages[0].content[0]")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":3}]}]}", "messages[0].content[0].text")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"categories\":true}", "categories")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"categories\":{\"S1\":1}}", "categories.S1")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"excluded_category_keys\":\"S1\"}", "excluded_category_keys")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"excluded_category_keys\":[6]}", "excluded_category_keys[0]")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"threshold\":\"0.5\"}", "threshold")]
    public void InvalidType(string json, string path) => Fails(GuardErrorCodes.InvalidType, json, path);

    [Theory]
    [InlineData("{}", "messages")]
    [InlineData("{\"messages\":[{\"content\":\"x\"}]}", "messages[0].role")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}]}", "messages[0].content")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}", "messages[0].content[0].type")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}", "messages[0].content[0].text")]
    public void MissingField(string json, string path) => Fails(GuardErrorCodes.MissingField, json, path);

    [Theory]
    [InlineData("system")]
    [InlineData("User")]
    [InlineData("tool")]
    [InlineData("")]
    public void InvalidRole(string role)
    {
        var ex = Rejects(
            GuardErrorCodes.InvalidRole,
            () => Parse($$"""{"messages":[{"role":"{{role}}","content":"x"}]}"""),
            "messages[0].role");
        Assert.Contains("'user' or 'assistant'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemRole_ExplainsWhy()
    {
        var ex = Rejects(GuardErrorCodes.InvalidRole, () => Parse("""{"messages":[{"role":"system","content":"x"}]}"""));
        Assert.Contains("system", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("image_url")]
    public void Image(string type) =>
        Fails(
            GuardErrorCodes.ImageNotSupported,
            $$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"{{{type}}}","image_url":{"url":"u"}}]}]}""",
            "messages[0].content[1]");

    [Fact]
    public void OtherPartType() =>
        Fails(
            GuardErrorCodes.UnsupportedContentPart,
            """{"messages":[{"role":"user","content":[{"type":"audio","data":"x"}]}]}""",
            "messages[0].content[0].type");

    [Fact]
    public void DuplicateCategoryKey() =>
        Fails(GuardErrorCodes.DuplicateCategoryCode, OneUser + ""","categories":{"S1":"a","S1":"b"}}""", "categories.S1");

    [Fact]
    public void DuplicateKnownProperty() =>
        Fails(
            GuardErrorCodes.DuplicateProperty,
            """{"messages":[{"role":"user","content":"x"}],"messages":[{"role":"assistant","content":"y"}]}""",
            "messages");

    [Fact]
    public void DuplicateRole() =>
        Fails(GuardErrorCodes.DuplicateProperty, """{"messages":[{"role":"assistant","role":"user","content":"x"}]}""", "messages[0].role");

    [Fact]
    public void LoneSurrogateEscape() =>
        Fails(GuardErrorCodes.InvalidCharacter, """{"messages":[{"role":"user","content":"a\ud800b"}]}""", "messages[0].content");

    [Fact]
    public void ConversationRulesRun()
    {
        Fails(GuardErrorCodes.EmptyConversation, """{"messages":[]}""");
        Fails(GuardErrorCodes.FirstMessageNotUser, """{"messages":[{"role":"assistant","content":"x"}]}""");
        Fails(GuardErrorCodes.BlankContent, """{"messages":[{"role":"user","content":[]}]}""");
        Fails(GuardErrorCodes.BlankContent, """{"messages":[{"role":"user","content":" \u001c "}]}""");
        Fails(GuardErrorCodes.InvalidCharacter, """{"messages":[{"role":"user","content":"a\u0000"}]}""");
    }

    [Fact]
    public void TooManyMessages_FailsBeforeParsingElements()
    {
        // The third element is not even an object: the count limit must win.
        Rejects(
            GuardErrorCodes.TooManyMessages,
            () => GuardInputJson.Parse("""{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"},3]}""", new ConversationLimits { MaxMessages = 2 }),
            "messages",
            isLimit: true);
    }

    [Fact]
    public void PolicyRulesRun()
    {
        Fails(GuardErrorCodes.UnknownExcludedCode, OneUser + ""","excluded_category_keys":["S14"]}""");
        Fails(GuardErrorCodes.InvalidExcludedCode, OneUser + ""","excluded_category_keys":["six"]}""");
        Fails(GuardErrorCodes.InvalidCategoryCode, OneUser + ""","categories":{"violence":"x"}}""");
        Fails(GuardErrorCodes.NoActiveCategories, OneUser + ""","categories":{}}""");
        Fails(GuardErrorCodes.InvalidThreshold, OneUser + ""","threshold":1.5}""");
        Fails(GuardErrorCodes.InvalidThreshold, OneUser + ""","threshold":1e400}""");
        Fails(GuardErrorCodes.CategoryTextForgesStructure, OneUser + ""","categories":{"S1":"a\nS2: b"}}""");
        Rejects(
            GuardErrorCodes.TooManyCategories,
            () => GuardInputJson.Parse(OneUser + ""","categories":{"S1":"a","S2":"b"}}""", policyLimits: new PolicyLimits { MaxCategories = 1 }),
            isLimit: true);
    }

    [Fact]
    public void ElementLevelParsers_AreReusable()
    {
        using var doc = JsonDocument.Parse("""{"m":[{"role":"user","content":"x"}],"c":{"S3":"t"}}""");
        var conversation = GuardInputJson.ParseConversation(doc.RootElement.GetProperty("m"));
        Assert.Single(conversation.Messages);
        var categories = GuardInputJson.ParseCategories(doc.RootElement.GetProperty("c"));
        Assert.Equal([new SafetyCategory("S3", "t")], categories);
    }

    [Fact]
    public void MultiLineCategoryText_IsKeptVerbatim()
    {
        var input = Parse(OneUser + ""","categories":{"S1":"Violent Crimes. \nAI models should not.\r\n- e.g. assault"}}""");
        Assert.Equal([new SafetyCategory("S1", "Violent Crimes. \nAI models should not.\r\n- e.g. assault")], input.Policy.Categories);
        Assert.Equal("Violent Crimes. ", input.Policy.Categories[0].Name);
    }

    [Fact]
    public void ObjectForm_KeepsNameAndDescriptionApart()
    {
        var input = Parse(OneUser + ""","categories":{"S1":{"name":"Violent Crimes. ","description":"AI models should not."},"S2":{"name":"Hate.","description":null},"S3":"Plain."}}""");
        Assert.Equal(
            [new SafetyCategory("S1", "Violent Crimes. ", "AI models should not."), new SafetyCategory("S2", "Hate."), new SafetyCategory("S3", "Plain.")],
            input.Policy.Categories);
        Assert.Equal("Violent Crimes. \nAI models should not.", input.Policy.Categories[0].PromptText);
    }

    [Fact]
    public void ListForm_IsTheShapeGetPolicyAnswers()
    {
        var input = Parse(OneUser + ""","categories":[{"code":"S9","name":"Nine","description":"Desc."},{"code":"S2","name":"Two"}],"excluded_category_keys":["S2"]}""");
        Assert.Equal([new SafetyCategory("S9", "Nine", "Desc."), new SafetyCategory("S2", "Two")], input.Policy.Categories);
        Assert.Equal(["S9"], input.Policy.ActiveCategories.Select(c => c.Code));
    }

    [Theory]
    [InlineData(""","categories":{"S1":{"description":"d"}}""", "missing_field", "categories.S1.name")]
    [InlineData(""","categories":{"S1":{"name":"n","desc":"d"}}""", "unknown_field", "categories.S1.desc")]
    [InlineData(""","categories":{"S1":{"name":"n","name":"m"}}""", "duplicate_property", "categories.S1.name")]
    [InlineData(""","categories":{"S1":{"name":3}}""", "invalid_type", "categories.S1.name")]
    [InlineData(""","categories":{"S1":{"name":"n","description":["d"]}}""", "invalid_type", "categories.S1.description")]
    [InlineData(""","categories":{"S1":{"name":"n","description":" \n "}}""", "blank_category_text", "categories[0].description")]
    [InlineData(""","categories":{"S1":7}""", "invalid_type", "categories.S1")]
    [InlineData(""","categories":[{"name":"n"}]""", "missing_field", "categories[0].code")]
    [InlineData(""","categories":[{"code":"S1","name":"a"},{"code":"S1","name":"b"}]""", "duplicate_category_code", "categories[1]")]
    [InlineData(""","categories":["S1"]""", "invalid_type", "categories[0]")]
    [InlineData(""","categories":[{"code":"S1","name":"a","extra":1}]""", "unknown_field", "categories[0].extra")]
    [InlineData(""","categories":"S1: a","threshold":0.5""", "invalid_type", "categories")]
    public void CategoryShapes_AreStrict(string categories, string code, string path) =>
        Fails(code, OneUser + categories + "}", path);
}
