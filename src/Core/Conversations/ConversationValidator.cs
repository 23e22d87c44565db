using GuardCluster.Core.Text;

namespace GuardCluster.Core.Conversations;

/// <summary>
/// Enforces the template's rules (non-empty, starts with user, strictly alternating) and explicit size
/// limits. Lengths are UTF-16 code units summed over text parts, before stripping.
/// </summary>
public static class ConversationValidator
{
    public static void Validate(Conversation conversation, ConversationLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        limits ??= ConversationLimits.Default;
        var messages = conversation.Messages;

        if (messages is null || messages.Count == 0)
        {
            throw new GuardValidationException(
                GuardErrorCodes.EmptyConversation, "The conversation must contain at least one message.", "messages");
        }

        // Count first: cheap, and bounds the work done below.
        if (messages.Count > limits.MaxMessages)
        {
            throw new GuardValidationException(
                GuardErrorCodes.TooManyMessages,
                $"The conversation has {messages.Count} messages; at most {limits.MaxMessages} are allowed.",
                "messages",
                isLimit: true);
        }

        long total = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var path = $"messages[{i}]";
            if (message is null)
            {
                throw new GuardValidationException(GuardErrorCodes.BlankContent, "A message must not be null.", path);
            }

            CheckRole(message.Role, i, path);
            var length = CheckSizes(message, limits, path);
            total += length;
            if (total > limits.MaxTotalChars)
            {
                throw new GuardValidationException(
                    GuardErrorCodes.ConversationTooLong,
                    $"The conversation exceeds {limits.MaxTotalChars} characters in total.",
                    path,
                    isLimit: true);
            }

            CheckContent(message, path);
        }
    }

    /// <summary>The one home of role alternation: message <paramref name="index"/> (0-based) must have this role.</summary>
    public static ChatRole ExpectedRole(int index) => index % 2 == 0 ? ChatRole.User : ChatRole.Assistant;

    private static void CheckRole(ChatRole role, int index, string path)
    {
        if (role is not (ChatRole.User or ChatRole.Assistant))
        {
            throw new GuardValidationException(GuardErrorCodes.InvalidRole, $"Unknown role '{role}'.", path + ".role");
        }

        var expected = ExpectedRole(index);
        if (role == expected)
        {
            return;
        }

        if (index == 0)
        {
            throw new GuardValidationException(
                GuardErrorCodes.FirstMessageNotUser, "The first message must have role 'user'.", path + ".role");
        }

        throw new GuardValidationException(
            GuardErrorCodes.RolesNotAlternating,
            $"Roles must alternate user/assistant/user/...; message {index} must be '{(expected == ChatRole.User ? "user" : "assistant")}'.",
            path + ".role");
    }

    private static long CheckSizes(ChatMessage message, ConversationLimits limits, string path)
    {
        long length = 0;
        if (message.TextParts is not null)
        {
            foreach (var part in message.TextParts)
            {
                length += part?.Length ?? 0;
            }
        }

        if (length > limits.MaxMessageChars)
        {
            throw new GuardValidationException(
                GuardErrorCodes.MessageTooLong,
                $"The message has {length} characters; at most {limits.MaxMessageChars} are allowed.",
                path + ".content",
                isLimit: true);
        }

        return length;
    }

    /// <summary>
    /// Every part must carry text: the template writes one <c>Role: text</c> line per part, so a blank part
    /// would become an empty turn the model never saw in training. NUL and unpaired surrogates are rejected
    /// because they cannot round-trip through the UTF-8 tokenizer unchanged.
    /// </summary>
    private static void CheckContent(ChatMessage message, string path)
    {
        var parts = message.TextParts;
        if (parts is null || parts.Count == 0)
        {
            throw new GuardValidationException(
                GuardErrorCodes.BlankContent, "A message must have at least one text part.", path + ".content");
        }

        for (var j = 0; j < parts.Count; j++)
        {
            var part = parts[j];
            // A single part is usually a plain-string content, so point at the field itself.
            var partPath = parts.Count == 1 ? path + ".content" : $"{path}.content[{j}]";
            if (PythonText.IsBlank(part))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.BlankContent, "Message text must not be empty or whitespace only.", partPath);
            }

            var bad = FindInvalidCharacter(part!);
            if (bad >= 0)
            {
                throw new GuardValidationException(
                    GuardErrorCodes.InvalidCharacter,
                    $"Message text contains an invalid character (U+{(int)part![bad]:X4}) at offset {bad}: NUL and unpaired surrogates are not allowed.",
                    partPath);
            }
        }
    }

    /// <summary>Index of the first NUL or unpaired surrogate, or -1.</summary>
    public static int FindInvalidCharacter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }
}
