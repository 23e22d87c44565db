using GuardCluster.Core.Conversations;
using static GuardCluster.Core.Tests.Assertions;

namespace GuardCluster.Core.Tests;

public class ConversationValidatorTests
{
    private static void Validate(ConversationLimits? limits, params ChatMessage[] messages) =>
        ConversationValidator.Validate(new Conversation(messages), limits);

    private static void Validate(params ChatMessage[] messages) => Validate(null, messages);

    [Fact]
    public void ValidConversation_Passes()
    {
        Validate(ChatMessage.User("a"), ChatMessage.Assistant("b"), ChatMessage.User("c"));
        Validate(new ChatMessage(ChatRole.User, ["a", "b"]));
    }

    [Fact]
    public void Empty() => Rejects(GuardErrorCodes.EmptyConversation, () => Validate(), "messages");

    [Fact]
    public void FirstNotUser() =>
        Rejects(GuardErrorCodes.FirstMessageNotUser, () => Validate(ChatMessage.Assistant("a")), "messages[0].role");

    [Fact]
    public void NotAlternating() =>
        Rejects(
            GuardErrorCodes.RolesNotAlternating,
            () => Validate(ChatMessage.User("a"), ChatMessage.Assistant("b"), ChatMessage.Assistant("c")),
            "messages[2].role");

    [Fact]
    public void TwoUsersInARow() =>
        Rejects(GuardErrorCodes.RolesNotAlternating, () => Validate(ChatMessage.User("a"), ChatMessage.User("b")), "messages[1].role");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u001C\u3000\n")]
    public void BlankText(string text) =>
        Rejects(GuardErrorCodes.BlankContent, () => Validate(ChatMessage.User(text)), "messages[0].content");

    [Fact]
    public void NoParts() =>
        Rejects(GuardErrorCodes.BlankContent, () => Validate(new ChatMessage(ChatRole.User, [])), "messages[0].content");

    [Fact]
    public void OneBlankPartAmongOthers() =>
        Rejects(
            GuardErrorCodes.BlankContent,
            () => Validate(new ChatMessage(ChatRole.User, ["fine", " "])),
            "messages[0].content[1]");

    [Fact]
    public void ZeroWidthSpaceIsNotBlank() => Validate(ChatMessage.User("\u200B"));

    // Lone surrogates cannot live in attribute strings (the compiler replaces them), so build them here.
    [Theory]
    [InlineData(0x0000)]
    [InlineData(0xD800)]
    [InlineData(0xDC00)]
    public void InvalidCharacters(int code) =>
        Rejects(
            GuardErrorCodes.InvalidCharacter,
            () => Validate(ChatMessage.User("a" + (char)code + "b")),
            "messages[0].content");

    [Fact]
    public void HighSurrogateAtEnd_IsInvalid() =>
        Rejects(GuardErrorCodes.InvalidCharacter, () => Validate(ChatMessage.User("ab" + (char)0xD83D)));

    [Fact]
    public void SurrogatePairIsFine() => Validate(ChatMessage.User("emoji \uD83D\uDE00"));

    [Fact]
    public void TooManyMessages()
    {
        var limits = new ConversationLimits { MaxMessages = 2 };
        Validate(limits, ChatMessage.User("a"), ChatMessage.Assistant("b"));
        Rejects(
            GuardErrorCodes.TooManyMessages,
            () => Validate(limits, ChatMessage.User("a"), ChatMessage.Assistant("b"), ChatMessage.User("c")),
            "messages",
            isLimit: true);
    }

    [Fact]
    public void MessageTooLong_SumsParts()
    {
        var limits = new ConversationLimits { MaxMessageChars = 5 };
        Validate(limits, new ChatMessage(ChatRole.User, ["ab", "cde"]));
        Rejects(
            GuardErrorCodes.MessageTooLong,
            () => Validate(limits, new ChatMessage(ChatRole.User, ["abc", "def"])),
            "messages[0].content",
            isLimit: true);
    }

    [Fact]
    public void ConversationTooLong()
    {
        var limits = new ConversationLimits { MaxMessageChars = 10, MaxTotalChars = 15 };
        Validate(limits, ChatMessage.User("0123456789"), ChatMessage.Assistant("01234"));
        Rejects(
            GuardErrorCodes.ConversationTooLong,
            () => Validate(limits, ChatMessage.User("0123456789"), ChatMessage.Assistant("012345")),
            "messages[1]",
            isLimit: true);
    }
}
