using GuardCluster.Core.Conversations;

namespace GuardCluster.Core.Prompting;

/// <summary>
/// The exact prompt, as alternating special-token and plain-text pieces. <see cref="Text"/> is
/// byte-identical to the model's chat template output. <see cref="Warnings"/> lists structural-injection
/// findings in user/assistant content (e.g. <c>template_marker_in_content</c>). <see cref="Layout"/> says
/// where the reusable parts end, so an engine can keep their KV cache.
/// </summary>
public sealed record RenderedPrompt(
    IReadOnlyList<PromptPiece> Pieces,
    ChatRole CheckedRole,
    IReadOnlyList<string> Warnings,
    PromptLayout? Layout = null)
{
    public string Text => string.Concat(Pieces.Select(p => p.Text));
}

/// <summary>
/// Boundaries inside the body text piece (<see cref="BodyPiece"/>): the policy header ends after
/// <c>&lt;BEGIN CONVERSATION&gt;\n\n</c> and the first message's label <c>User:</c> (<see cref="HeaderChars"/>,
/// the same for every call under one policy and role word); the messages end where <c>&lt;END CONVERSATION&gt;</c> starts
/// (<see cref="ConversationChars"/>; a growing conversation extends exactly this part).
/// </summary>
public sealed record PromptLayout(int BodyPiece, int HeaderChars, int ConversationChars);
