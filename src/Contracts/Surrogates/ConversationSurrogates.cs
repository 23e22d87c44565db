using GuardCluster.Core.Conversations;

namespace GuardCluster.Contracts.Surrogates;

// Core stays free of Orleans; these surrogates carry its types across grain calls.
[GenerateSerializer]
[Alias("gc.ChatMessage")]
public struct ChatMessageSurrogate
{
    [Id(0)]
    public int Role;

    [Id(1)]
    public string[] TextParts;
}

[RegisterConverter]
public sealed class ChatMessageConverter : IConverter<ChatMessage, ChatMessageSurrogate>
{
    public ChatMessage ConvertFromSurrogate(in ChatMessageSurrogate surrogate) =>
        new((ChatRole)surrogate.Role, surrogate.TextParts ?? []);

    public ChatMessageSurrogate ConvertToSurrogate(in ChatMessage value) =>
        new() { Role = (int)value.Role, TextParts = [.. value.TextParts] };
}

[GenerateSerializer]
[Alias("gc.Conversation")]
public struct ConversationSurrogate
{
    [Id(0)]
    public ChatMessage[] Messages;
}

[RegisterConverter]
public sealed class ConversationConverter : IConverter<Conversation, ConversationSurrogate>
{
    public Conversation ConvertFromSurrogate(in ConversationSurrogate surrogate) => new(surrogate.Messages ?? []);

    public ConversationSurrogate ConvertToSurrogate(in Conversation value) => new() { Messages = [.. value.Messages] };
}
