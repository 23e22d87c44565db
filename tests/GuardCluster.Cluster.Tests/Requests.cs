using GuardCluster.Contracts;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Cluster.Tests;

internal static class Requests
{
    public static GuardRequest User(string text, SafetyPolicy? policy = null) =>
        new(new Conversation([ChatMessage.User(text)]), policy ?? SafetyPolicy.Default);

    public static AppendMessage UserTurn(string text, string? id = null) => new(ChatRole.User, text, id);

    public static AppendMessage AssistantTurn(string text, string? id = null) => new(ChatRole.Assistant, text, id);
}
