using System.Text;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Core.Text;

namespace GuardCluster.Core.Prompting;

/// <summary>
/// Renders Llama Guard 3's chat template byte for byte (see shared/reference/llama-guard-3-1b). Pieces keep
/// the template's own special tokens apart from text, so content that merely spells <c>&lt;|eot_id|&gt;</c>
/// is tokenized as plain text. Expects a validated conversation and policy (see the validators).
/// </summary>
public static class LlamaGuardPrompt
{
    public const string TaskPrefix = "\n\nTask: Check if there is unsafe content in '";

    public const string TaskSuffix =
        "' messages in conversations according our safety policy with the below categories.\n\n";

    public const string InstructionPrefix = "Provide your safety assessment for ONLY THE LAST ";

    public const string InstructionSuffix =
        " message in the above conversation:\n"
        + " - First line must read 'safe' or 'unsafe'.\n"
        + " - If unsafe, a second line must include a comma-separated list of violated categories. ";

    /// <summary>Header role text of the user turn that holds the whole task.</summary>
    public const string UserHeader = "user";

    /// <summary>Header role text after which the model writes its answer.</summary>
    public const string AssistantHeader = "assistant";

    /// <summary>The template's role word: odd message count → <c>User</c>, even → <c>Agent</c>.</summary>
    public static string RoleWord(ChatRole role) =>
        role == ChatRole.User ? LlamaGuardMarkers.UserRoleWord : LlamaGuardMarkers.AgentRoleWord;

    /// <summary>Index of the body text piece (task, categories, conversation, instruction) in the pieces.</summary>
    public const int BodyPieceIndex = 4;

    public static RenderedPrompt Render(Conversation conversation, SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(policy);

        var checkedRole = conversation.CheckedRole;
        var checkedWord = RoleWord(checkedRole);
        var body = new StringBuilder(1024 + EstimateContentLength(conversation));

        body.Append(TaskPrefix).Append(checkedWord).Append(TaskSuffix);
        body.Append(LlamaGuardMarkers.BeginCategories).Append('\n');
        foreach (var category in policy.ActiveCategories)
        {
            body.Append(category.Code).Append(": ").Append(category.PromptText).Append('\n');
        }

        body.Append(LlamaGuardMarkers.EndCategories).Append("\n\n");
        body.Append(LlamaGuardMarkers.BeginConversation).Append("\n\n");

        // The first message's label ("User:") precedes any caller text, so it is part of the shareable header too.
        var headerChars = body.Length + (conversation.Messages.Count > 0 ? RoleWord(conversation.Messages[0].Role).Length + 1 : 0);

        var findings = InjectionFindings.None;
        foreach (var message in conversation.Messages)
        {
            var word = RoleWord(message.Role);
            foreach (var part in message.TextParts)
            {
                var stripped = PythonText.Strip(part);
                findings |= PromptInjectionScanner.ScanText(stripped);
                body.Append(word).Append(": ").Append(stripped).Append("\n\n");
            }
        }

        var conversationChars = body.Length;
        body.Append(LlamaGuardMarkers.EndConversation).Append("\n\n");
        body.Append(InstructionPrefix).Append(checkedWord).Append(InstructionSuffix);

        PromptPiece[] pieces =
        [
            Special(LlamaGuardTokens.BeginOfText),
            Special(LlamaGuardTokens.StartHeaderId),
            Plain(UserHeader),
            Special(LlamaGuardTokens.EndHeaderId),
            Plain(body.ToString()),
            Special(LlamaGuardTokens.EotId),
            Special(LlamaGuardTokens.StartHeaderId),
            Plain(AssistantHeader),
            Special(LlamaGuardTokens.EndHeaderId),
        ];

        return new RenderedPrompt(
            pieces,
            checkedRole,
            PromptInjectionScanner.ToWarnings(findings),
            new PromptLayout(BodyPieceIndex, headerChars, conversationChars));
    }

    private static PromptPiece Special(string token) => new(PromptPieceKind.Special, token);

    private static PromptPiece Plain(string text) => new(PromptPieceKind.Text, text);

    private static int EstimateContentLength(Conversation conversation)
    {
        long total = 0;
        foreach (var message in conversation.Messages)
        {
            foreach (var part in message.TextParts)
            {
                total += part.Length + 16;
            }
        }

        return (int)Math.Min(total, int.MaxValue - 4096);
    }
}
