namespace GuardCluster.Core;

/// <summary>
/// The one catalog of error codes: every <c>code</c> a problem-details answer, a <see cref="GuardValidationException"/>
/// or a grain rejection carries. They are stable API strings (documented in docs/architecture.md, "Error model");
/// code everywhere uses these constants, never literals.
/// </summary>
public static class GuardErrorCodes
{
    // JSON shape (400)
    public const string MalformedJson = "malformed_json";
    public const string InvalidType = "invalid_type";
    public const string MissingField = "missing_field";
    public const string DuplicateProperty = "duplicate_property";
    public const string UnknownField = "unknown_field";
    public const string BadRequest = "bad_request";
    public const string InvalidRole = "invalid_role";
    public const string ImageNotSupported = "image_not_supported";
    public const string UnsupportedContentPart = "unsupported_content_part";
    public const string EmptyInput = "empty_input";

    // Conversation
    public const string EmptyConversation = "empty_conversation";
    public const string FirstMessageNotUser = "first_message_not_user";
    public const string RolesNotAlternating = "roles_not_alternating";
    public const string BlankContent = "blank_content";
    public const string InvalidCharacter = "invalid_character";
    public const string TooManyMessages = "too_many_messages";
    public const string MessageTooLong = "message_too_long";
    public const string ConversationTooLong = "conversation_too_long";
    public const string PromptTooLong = "prompt_too_long";

    // Policy
    public const string InvalidCategoryCode = "invalid_category_code";
    public const string DuplicateCategoryCode = "duplicate_category_code";
    public const string BlankCategoryText = "blank_category_text";
    public const string CategoryTextContainsMarker = "category_text_contains_marker";
    public const string CategoryTextForgesStructure = "category_text_forges_structure";
    public const string CategoryTextTooLong = "category_text_too_long";
    public const string CategoriesTooLong = "categories_too_long";
    public const string TooManyCategories = "too_many_categories";
    public const string InvalidExcludedCode = "invalid_excluded_code";
    public const string UnknownExcludedCode = "unknown_excluded_code";
    public const string NoActiveCategories = "no_active_categories";
    public const string InvalidThreshold = "invalid_threshold";

    // Requests, ids and resources
    public const string InvalidInput = "invalid_input";
    public const string BodyTooLarge = "body_too_large";
    public const string EmptyBatch = "empty_batch";
    public const string TooManyItems = "too_many_items";
    public const string TooManyInputs = "too_many_inputs";
    public const string InvalidTenantId = "invalid_tenant_id";
    public const string InvalidConversationId = "invalid_conversation_id";
    public const string InvalidMessageId = "invalid_message_id";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidLimit = "invalid_limit";
    public const string TenantNotFound = "tenant_not_found";
    public const string ConversationNotFound = "conversation_not_found";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string TenantExists = "tenant_exists";
    public const string MessageIdConflict = "message_id_conflict";
    public const string PreconditionFailed = "precondition_failed";

    // Audit log
    public const string InvalidQueryParameter = "invalid_query_parameter";
    public const string InvalidRetentionDays = "invalid_retention_days";
    public const string AuditDisabled = "audit_disabled";
    public const string AuditUnavailable = "audit_unavailable";

    // Keys and access
    public const string MissingApiKey = "missing_api_key";
    public const string InvalidApiKey = "invalid_api_key";
    public const string AdminKeyRequired = "admin_key_required";
    public const string TenantKeyRequired = "tenant_key_required";
    public const string LimitAboveQuota = "limit_above_quota";

    // Load and availability
    public const string Overloaded = "overloaded";
    public const string RateLimited = "rate_limited";
    public const string QuotaExceeded = "quota_exceeded";
    public const string EngineUnavailable = "engine_unavailable";
    public const string ClusterUnavailable = "cluster_unavailable";
    public const string InternalError = "internal_error";
}
