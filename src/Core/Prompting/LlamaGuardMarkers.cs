namespace GuardCluster.Core.Prompting;

/// <summary>The plain-text section markers of the Llama Guard template.</summary>
public static class LlamaGuardMarkers
{
    public const string BeginCategories = "<BEGIN UNSAFE CONTENT CATEGORIES>";
    public const string EndCategories = "<END UNSAFE CONTENT CATEGORIES>";
    public const string BeginConversation = "<BEGIN CONVERSATION>";
    public const string EndConversation = "<END CONVERSATION>";

    /// <summary>Role words the template writes at the start of each turn (<c>user</c> → User, <c>assistant</c> → Agent).</summary>
    public const string UserRoleWord = "User";
    public const string AgentRoleWord = "Agent";

    public static IReadOnlyList<string> All { get; } = [BeginCategories, EndCategories, BeginConversation, EndConversation];
}
