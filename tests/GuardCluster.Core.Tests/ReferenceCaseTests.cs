using System.Text;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Serialization;

namespace GuardCluster.Core.Tests;

public class ReferenceCaseTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "ReferenceCases");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Dir, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    /// <summary>01..06 are copied from shared/reference; 07..12 are rendered with the template by render_reference.py.</summary>
    [Fact]
    public void AllReferenceCasesArePresent() => Assert.Equal(12, Cases().Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_IsByteIdenticalToReference(string name)
    {
        var input = GuardInputJson.Parse(File.ReadAllText(Path.Combine(Dir, name + ".json")));
        var expectedBytes = File.ReadAllBytes(Path.Combine(Dir, name + ".txt"));
        var expected = Encoding.UTF8.GetString(expectedBytes);

        var prompt = LlamaGuardPrompt.Render(input.Conversation, input.Policy);

        Assert.Equal(expected, prompt.Text);
        Assert.Equal(expectedBytes, Encoding.UTF8.GetBytes(prompt.Text));
        Assert.Empty(prompt.Warnings);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_HasExactlyTheTemplatesSpecialPieces(string name)
    {
        var input = GuardInputJson.Parse(File.ReadAllText(Path.Combine(Dir, name + ".json")));
        var prompt = LlamaGuardPrompt.Render(input.Conversation, input.Policy);

        var specials = prompt.Pieces.Where(p => p.Kind == PromptPieceKind.Special).Select(p => p.Text).ToArray();
        Assert.Equal(
            [
                LlamaGuardTokens.BeginOfText, LlamaGuardTokens.StartHeaderId, LlamaGuardTokens.EndHeaderId,
                LlamaGuardTokens.EotId, LlamaGuardTokens.StartHeaderId, LlamaGuardTokens.EndHeaderId,
            ],
            specials);

        var texts = prompt.Pieces.Where(p => p.Kind == PromptPieceKind.Text).Select(p => p.Text).ToArray();
        Assert.Equal(3, texts.Length);
        Assert.Equal("user", texts[0]);
        Assert.StartsWith("\n\nTask: ", texts[1], StringComparison.Ordinal);
        Assert.EndsWith("violated categories. ", texts[1], StringComparison.Ordinal);
        Assert.Equal("assistant", texts[2]);
        Assert.All(texts, t => Assert.DoesNotContain("<|", t, StringComparison.Ordinal));
    }
}
