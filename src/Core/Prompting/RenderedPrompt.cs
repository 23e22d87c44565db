using GuardCluster.Core.Conversations;

namespace GuardCluster.Core.Prompting;

/// <summary>
/// The exact prompt, as alternating special-token and plain-text pieces. <see cref="Text"/> is
/// byte-identical to the model's chat template output. <see cref="Warnings"/> lists structural-injection
/// findings in user/assistant content (e.g. <c>template_marker_in_content</c>).
/// </summary>
public sealed record RenderedPrompt(
    IReadOnlyList<PromptPiece> Pieces,
    ChatRole CheckedRole,
    IReadOnlyList<string> Warnings)
{
    public string Text => string.Concat(Pieces.Select(p => p.Text));
}
