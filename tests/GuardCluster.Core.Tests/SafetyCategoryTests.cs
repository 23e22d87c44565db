using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Core.Tests;

public class SafetyCategoryTests
{
    [Theory]
    [InlineData("Violent Crimes.", null, "Violent Crimes.")]
    [InlineData("Violent Crimes. ", "AI models should not.", "Violent Crimes. \nAI models should not.")]
    [InlineData("Name", "\nafter a blank line\n", "Name\n\nafter a blank line\n")]
    public void PromptText_IsNameThenDescriptionOnTheNextLine(string text, string? description, string expected) =>
        Assert.Equal(expected, new SafetyCategory("S1", text, description).PromptText);

    [Theory]
    [InlineData("Violent Crimes.", "Violent Crimes.")]
    [InlineData("Violent Crimes. \nAI models should not.", "Violent Crimes. ")]
    [InlineData("Name\r\nrest", "Name")]
    [InlineData("Name\u2028rest", "Name")]
    public void Name_IsTheFirstLine(string text, string name) => Assert.Equal(name, new SafetyCategory("S1", text).Name);

    [Fact]
    public void VerdictNamesTheCategoryByName_NotDescription()
    {
        var policy = new SafetyPolicy(
            [new SafetyCategory("S1", "Violent Crimes. ", "AI models should not."), new SafetyCategory("S2", "Hate.\nDescribed inline.")], []);
        var verdict = new ParsedVerdict(VerdictOutcome.Unsafe, ["S1", "S2"], [], "unsafe\nS1,S2");
        Assert.Equal([new CategoryRef("S1", "Violent Crimes. "), new CategoryRef("S2", "Hate.")], verdict.CategoryRefs(policy));
    }

    [Fact]
    public void Render_WritesDescriptionsVerbatim_InTheOneBodyPiece()
    {
        var policy = new SafetyPolicy([new SafetyCategory("S1", "Violent Crimes. ", "AI models should not.\r\n\n- assault  ")], []);
        var prompt = LlamaGuardPrompt.Render(new Conversations.Conversation([Conversations.ChatMessage.User("hi")]), policy);
        var body = prompt.Pieces[LlamaGuardPrompt.BodyPieceIndex];
        Assert.Equal(PromptPieceKind.Text, body.Kind);
        Assert.Contains("<BEGIN UNSAFE CONTENT CATEGORIES>\nS1: Violent Crimes. \nAI models should not.\r\n\n- assault  \n<END UNSAFE CONTENT CATEGORIES>", body.Text, StringComparison.Ordinal);

        // The policy header (what the KV prefix cache shares) ends after the first "User:" label, descriptions included.
        Assert.EndsWith("<BEGIN CONVERSATION>\n\nUser:", body.Text[..prompt.Layout!.HeaderChars], StringComparison.Ordinal);
    }
}
