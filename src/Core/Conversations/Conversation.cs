namespace GuardCluster.Core.Conversations;

/// <summary>An ordered conversation; the last message is the one being checked.</summary>
public sealed record Conversation(IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>Odd message count checks the last User turn, even count the last Agent turn.</summary>
    public ChatRole CheckedRole => Messages.Count % 2 == 0 ? ChatRole.Assistant : ChatRole.User;
}
