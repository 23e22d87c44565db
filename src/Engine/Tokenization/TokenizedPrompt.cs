namespace GuardCluster.Engine.Tokenization;

/// <summary>
/// A prompt's tokens; the first <see cref="HeaderTokens"/> are the policy header (shared by every call under one
/// policy and role word), the first <see cref="ConversationTokens"/> end with the last message (what a growing
/// conversation's next check starts with). Both are 0 when the prompt carries no layout.
/// </summary>
public sealed record TokenizedPrompt(int[] Tokens, int HeaderTokens, int ConversationTokens);
