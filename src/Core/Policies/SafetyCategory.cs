using GuardCluster.Core.Text;

namespace GuardCluster.Core.Policies;

/// <summary>
/// A category of the prompt. <see cref="Text"/> is what follows <c>Code + ": "</c> (the name in Meta's policy
/// format; it may itself span lines); <see cref="Description"/>, when set, follows on the next line, as Meta's
/// tooling writes it (<c>name + "\n" + description</c>). Both are kept verbatim.
/// </summary>
public sealed record SafetyCategory(string Code, string Text, string? Description = null)
{
    /// <summary>The text the template's <c>categories[code]</c> holds: the whole category after <c>Code + ": "</c>.</summary>
    public string PromptText => Description is null ? Text : Text + "\n" + Description;

    /// <summary>The first line of <see cref="Text"/>, verbatim: how verdicts name the category (never the description).</summary>
    public string Name => PythonLines.FirstLine(Text);
}
