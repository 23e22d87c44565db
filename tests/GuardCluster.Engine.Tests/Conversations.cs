using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Engine.Tests;

internal static class Conversations
{
    public static GuardRequest User(string text, SafetyPolicy? policy = null) =>
        new(new Conversation([ChatMessage.User(text)]), policy ?? SafetyPolicy.Default);

    public static GuardRequest Exchange(string user, string assistant, SafetyPolicy? policy = null) =>
        new(new Conversation([ChatMessage.User(user), ChatMessage.Assistant(assistant)]), policy ?? SafetyPolicy.Default);
}
