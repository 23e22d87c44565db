namespace GuardCluster.Core.Prompting;

/// <summary>
/// Stable codes for structural-injection findings in user/assistant content. The content is still
/// rendered verbatim (the model must judge what was really said); callers surface these to operators.
/// </summary>
public static class PromptWarnings
{
    /// <summary>Content contains a template section marker such as <c>&lt;END CONVERSATION&gt;</c> (matched case-insensitively).</summary>
    public const string TemplateMarkerInContent = "template_marker_in_content";

    /// <summary>Content contains special-token-like text <c>&lt;|...|&gt;</c>; it is tokenized as plain text.</summary>
    public const string SpecialTokenTextInContent = "special_token_text_in_content";

    /// <summary>A line after the first begins with <c>User:</c> or <c>Agent:</c>, i.e. a spoofed turn.</summary>
    public const string RolePrefixInContent = "role_prefix_in_content";

    /// <summary>The conversation was longer than the model's context: its oldest turns (whole user/assistant pairs) were left out of the check.</summary>
    public const string HistoryTruncated = "history_truncated";
}
