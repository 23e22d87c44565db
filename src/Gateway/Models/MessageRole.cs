namespace GuardCluster.Gateway.Models;

/// <summary>The roles Llama Guard's template knows (documentation shape; written <c>user</c>/<c>assistant</c>).</summary>
public enum MessageRole
{
    User,
    Assistant,
}
