using System.Text.Json;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Core.Serialization;

/// <summary>
/// Reads the reference input shape (<c>messages</c>, optional <c>categories</c>, <c>excluded_category_keys</c>,
/// <c>threshold</c>). Unknown properties are refused (<c>unknown_field</c>), so a misspelt option is never silently
/// ignored; a known property given twice is rejected, because parsers disagree on which copy wins. Names and
/// strings must be valid UTF-16 (<see cref="JsonFields"/>). The element-level methods are public so an HTTP layer
/// can embed them.
/// </summary>
public static class GuardInputJson
{
    public const string MessagesProperty = "messages";
    public const string CategoriesProperty = "categories";
    public const string ExcludedProperty = "excluded_category_keys";
    public const string ThresholdProperty = "threshold";
    public const string CategoryCodeProperty = "code";
    public const string CategoryNameProperty = "name";
    public const string CategoryDescriptionProperty = "description";

    /// <summary>Parses and validates a whole input document against <paramref name="basePolicy"/> (default S1..S13).</summary>
    public static GuardInput Parse(
        string json,
        ConversationLimits? limits = null,
        PolicyLimits? policyLimits = null,
        SafetyPolicy? basePolicy = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonFields.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new GuardValidationException(
                GuardErrorCodes.MalformedJson,
                $"Malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}");
        }

        using (document)
        {
            return ParseInput(document.RootElement, limits, policyLimits, basePolicy);
        }
    }

    /// <summary>Like <see cref="Parse"/> for an already parsed root object.</summary>
    public static GuardInput ParseInput(
        JsonElement root,
        ConversationLimits? limits = null,
        PolicyLimits? policyLimits = null,
        SafetyPolicy? basePolicy = null)
    {
        RequireKind(root, JsonValueKind.Object, "$", "an object");
        JsonFields.ValidateText(root);
        var props = JsonFields.Collect(root, null, MessagesProperty, CategoriesProperty, ExcludedProperty, ThresholdProperty);
        if (props[0] is not { } messages)
        {
            throw new GuardValidationException(
                GuardErrorCodes.MissingField, "The required field 'messages' is missing.", MessagesProperty);
        }

        var conversation = ParseConversation(messages, limits);
        var policy = ParsePolicy(props[1], props[2], props[3], basePolicy, policyLimits);
        return new GuardInput(conversation, policy);
    }

    /// <summary>Parses the <c>messages</c> array and validates it (<see cref="ConversationValidator"/>).</summary>
    public static Conversation ParseConversation(JsonElement messages, ConversationLimits? limits = null)
    {
        limits ??= ConversationLimits.Default;
        RequireKind(messages, JsonValueKind.Array, MessagesProperty, "an array");

        // Fail on count before building anything.
        var count = messages.GetArrayLength();
        if (count > limits.MaxMessages)
        {
            throw new GuardValidationException(
                GuardErrorCodes.TooManyMessages,
                $"The conversation has {count} messages; at most {limits.MaxMessages} are allowed.",
                MessagesProperty,
                isLimit: true);
        }

        var list = new List<ChatMessage>(count);
        var index = 0;
        foreach (var element in messages.EnumerateArray())
        {
            list.Add(ParseMessage(element, $"{MessagesProperty}[{index}]"));
            index++;
        }

        var conversation = new Conversation(list);
        ConversationValidator.Validate(conversation, limits);
        return conversation;
    }

    /// <summary>Parses one <c>{"role","content"}</c> object (shape only).</summary>
    public static ChatMessage ParseMessage(JsonElement message, string path)
    {
        RequireKind(message, JsonValueKind.Object, path, "an object");
        var props = JsonFields.Collect(message, path, "role", "content");
        var role = ParseRole(props[0] ?? throw Missing(path, "role"), path + ".role");
        var parts = ParseContent(props[1] ?? throw Missing(path, "content"), path + ".content");
        return new ChatMessage(role, parts);
    }

    /// <summary>Only <c>user</c> and <c>assistant</c> (exact, lower case) exist in Llama Guard's template.</summary>
    public static ChatRole ParseRole(JsonElement role, string path)
    {
        RequireKind(role, JsonValueKind.String, path, "a string");
        var value = JsonFields.GetString(role, path);
        return value switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "system" => throw new GuardValidationException(
                GuardErrorCodes.InvalidRole,
                "Role 'system' is not supported: Llama Guard 3 has no system turn. Use 'user' or 'assistant'; put policy in 'categories'.",
                path),
            _ => throw new GuardValidationException(
                GuardErrorCodes.InvalidRole, $"Role '{value}' is not supported; use 'user' or 'assistant'.", path),
        };
    }

    /// <summary>A string is one text part; an array holds <c>{"type":"text","text":...}</c> parts. Images are refused (the 1B model is text-only).</summary>
    public static IReadOnlyList<string> ParseContent(JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [JsonFields.GetString(content, path)];
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new GuardValidationException(
                GuardErrorCodes.InvalidType,
                $"'{path}' must be a string or an array of text parts, not {Describe(content.ValueKind)}.",
                path);
        }

        var parts = new List<string>(content.GetArrayLength());
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            parts.Add(ParseContentPart(part, $"{path}[{index}]"));
            index++;
        }

        return parts;
    }

    public static string ParseContentPart(JsonElement part, string path)
    {
        RequireKind(part, JsonValueKind.Object, path, "an object");

        // The type decides which fields belong, so it is read first: an image part is refused as an image.
        JsonElement? typeElement = null;
        foreach (var property in part.EnumerateObject())
        {
            if (property.NameEquals("type"))
            {
                typeElement = typeElement is null ? property.Value : throw new GuardValidationException(
                    GuardErrorCodes.DuplicateProperty, $"Property '{path}.type' appears more than once.", path + ".type");
            }
        }

        RequireKind(typeElement ?? throw Missing(path, "type"), JsonValueKind.String, path + ".type", "a string");
        var type = JsonFields.GetString(typeElement.Value, path + ".type");
        switch (type)
        {
            case "text":
                var text = JsonFields.Collect(part, path, "type", "text")[1] ?? throw Missing(path, "text");
                RequireKind(text, JsonValueKind.String, path + ".text", "a string");
                return JsonFields.GetString(text, path + ".text");
            case "image" or "image_url":
                throw new GuardValidationException(
                    GuardErrorCodes.ImageNotSupported,
                    "Image content is not supported: Llama Guard 3-1B classifies text only.",
                    path);
            default:
                throw new GuardValidationException(
                    GuardErrorCodes.UnsupportedContentPart,
                    $"Content part type '{type}' is not supported; only 'text' parts are.",
                    path + ".type");
        }
    }

    /// <summary>Applies optional overrides to <paramref name="basePolicy"/> and validates the result (<see cref="PolicyValidator"/>).</summary>
    public static SafetyPolicy ParsePolicy(
        JsonElement? categories,
        JsonElement? excluded,
        JsonElement? threshold,
        SafetyPolicy? basePolicy = null,
        PolicyLimits? limits = null)
    {
        var policy = (basePolicy ?? SafetyPolicy.Default).WithOverrides(
            IsPresent(categories) ? ParseCategories(categories!.Value) : null,
            IsPresent(excluded) ? ParseExcludedCodes(excluded!.Value) : null,
            IsPresent(threshold) ? ParseThreshold(threshold!.Value) : null);
        PolicyValidator.Validate(policy, limits);
        return policy;
    }

    /// <summary>
    /// Categories in document order, in one of three shapes (shape and duplicates only; content rules live in
    /// <see cref="PolicyValidator"/>): <c>{"S1":"text"}</c> (the text may span lines: Meta's name-then-description
    /// format), <c>{"S1":{"name":"...","description":"..."}}</c>, or the list <c>GET /v1/policy</c> answers,
    /// <c>[{"code":"S1","name":"...","description":"..."}]</c>. <c>description</c> is optional (null = none).
    /// </summary>
    public static IReadOnlyList<SafetyCategory> ParseCategories(JsonElement categories)
    {
        if (categories.ValueKind == JsonValueKind.Array)
        {
            return ParseCategoryList(categories);
        }

        RequireKind(categories, JsonValueKind.Object, CategoriesProperty, "an object mapping codes to texts, or a list of {code, name, description}");
        var list = new List<SafetyCategory>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in categories.EnumerateObject())
        {
            var code = JsonFields.Name(property, CategoriesProperty);
            var path = $"{CategoriesProperty}.{code}";
            if (!seen.Add(code))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.DuplicateCategoryCode, $"Category code '{code}' appears more than once.", path);
            }

            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                var fields = JsonFields.Collect(property.Value, path, CategoryNameProperty, CategoryDescriptionProperty);
                list.Add(new SafetyCategory(code, RequiredString(fields[0], path, CategoryNameProperty), OptionalString(fields[1], path, CategoryDescriptionProperty)));
                continue;
            }

            RequireKind(property.Value, JsonValueKind.String, path, "a string or an object {name, description}");
            list.Add(new SafetyCategory(code, JsonFields.GetString(property.Value, path)));
        }

        return list;
    }

    private static List<SafetyCategory> ParseCategoryList(JsonElement categories)
    {
        var list = new List<SafetyCategory>(categories.GetArrayLength());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in categories.EnumerateArray())
        {
            var path = $"{CategoriesProperty}[{index}]";
            RequireKind(item, JsonValueKind.Object, path, "an object {code, name, description}");
            var fields = JsonFields.Collect(item, path, CategoryCodeProperty, CategoryNameProperty, CategoryDescriptionProperty);
            var code = RequiredString(fields[0], path, CategoryCodeProperty);
            if (!seen.Add(code))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.DuplicateCategoryCode, $"Category code '{code}' appears more than once.", path);
            }

            list.Add(new SafetyCategory(code, RequiredString(fields[1], path, CategoryNameProperty), OptionalString(fields[2], path, CategoryDescriptionProperty)));
            index++;
        }

        return list;
    }

    private static string RequiredString(JsonElement? element, string path, string field)
    {
        if (element is not { } value)
        {
            throw Missing(path, field);
        }

        RequireKind(value, JsonValueKind.String, $"{path}.{field}", "a string");
        return JsonFields.GetString(value, $"{path}.{field}");
    }

    private static string? OptionalString(JsonElement? element, string path, string field) =>
        IsPresent(element) ? RequiredString(element, path, field) : null;

    public static IReadOnlyList<string> ParseExcludedCodes(JsonElement excluded)
    {
        RequireKind(excluded, JsonValueKind.Array, ExcludedProperty, "an array of strings");
        var list = new List<string>(excluded.GetArrayLength());
        var index = 0;
        foreach (var item in excluded.EnumerateArray())
        {
            var path = $"{ExcludedProperty}[{index}]";
            RequireKind(item, JsonValueKind.String, path, "a string");
            list.Add(JsonFields.GetString(item, path));
            index++;
        }

        return list;
    }

    /// <summary>A JSON number; range is checked by <see cref="PolicyValidator"/>.</summary>
    public static double ParseThreshold(JsonElement threshold)
    {
        RequireKind(threshold, JsonValueKind.Number, ThresholdProperty, "a number");
        return threshold.GetDouble(); // overflow yields infinity, which the validator rejects
    }

    /// <summary>JSON <c>null</c> counts as absent for optional fields.</summary>
    private static bool IsPresent(JsonElement? element) =>
        element is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined };

    private static void RequireKind(JsonElement element, JsonValueKind kind, string path, string expected)
    {
        if (element.ValueKind != kind)
        {
            throw new GuardValidationException(
                GuardErrorCodes.InvalidType, $"'{path}' must be {expected}, not {Describe(element.ValueKind)}.", path);
        }
    }

    private static GuardValidationException Missing(string path, string field) =>
        new(GuardErrorCodes.MissingField, $"The required field '{field}' is missing.", $"{path}.{field}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
