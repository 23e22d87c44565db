namespace GuardCluster.Core;

/// <summary>Every <see cref="GuardValidationException.Code"/> the core library raises; stable API strings.</summary>
public static class GuardErrorCodes
{
    // JSON shape
    public const string MalformedJson = "malformed_json";
    public const string InvalidType = "invalid_type";
    public const string MissingField = "missing_field";
    public const string DuplicateProperty = "duplicate_property";
    public const string InvalidRole = "invalid_role";
    public const string ImageNotSupported = "image_not_supported";
    public const string UnsupportedContentPart = "unsupported_content_part";

    // Conversation
    public const string EmptyConversation = "empty_conversation";
    public const string FirstMessageNotUser = "first_message_not_user";
    public const string RolesNotAlternating = "roles_not_alternating";
    public const string BlankContent = "blank_content";
    public const string InvalidCharacter = "invalid_character";
    public const string TooManyMessages = "too_many_messages";
    public const string MessageTooLong = "message_too_long";
    public const string ConversationTooLong = "conversation_too_long";

    // Policy
    public const string InvalidCategoryCode = "invalid_category_code";
    public const string DuplicateCategoryCode = "duplicate_category_code";
    public const string BlankCategoryText = "blank_category_text";
    public const string CategoryTextContainsMarker = "category_text_contains_marker";
    public const string CategoryTextContainsNewline = "category_text_contains_newline";
    public const string CategoryTextTooLong = "category_text_too_long";
    public const string CategoriesTooLong = "categories_too_long";
    public const string TooManyCategories = "too_many_categories";
    public const string InvalidExcludedCode = "invalid_excluded_code";
    public const string UnknownExcludedCode = "unknown_excluded_code";
    public const string NoActiveCategories = "no_active_categories";
    public const string InvalidThreshold = "invalid_threshold";
}
