using GuardCluster.Core.Policies;

namespace GuardCluster.Gateway.Moderation;

/// <summary>
/// Llama Guard's MLCommons codes → OpenAI moderation category names. Codes with no OpenAI counterpart
/// (S5 defamation, S6 specialized advice, S7 privacy, S8 IP, S13 elections) and custom tenant categories get
/// an extra key <c>custom/&lt;code&gt;</c>. A code maps to OpenAI names only while its name is the default
/// taxonomy's name: a tenant that redefines S1 as "Profanity." must not report it as violence, while one that keeps
/// "Violent Crimes." and adds a description (Meta's format, whose names carry a trailing space) still means violence.
/// </summary>
public static class OpenAiCategoryMap
{
    public const string CustomPrefix = "custom/";

    /// <summary>OpenAI's 13 category names, in the order OpenAI documents them.</summary>
    public static IReadOnlyList<string> OpenAiNames { get; } =
    [
        "harassment",
        "harassment/threatening",
        "hate",
        "hate/threatening",
        "illicit",
        "illicit/violent",
        "self-harm",
        "self-harm/intent",
        "self-harm/instructions",
        "sexual",
        "sexual/minors",
        "violence",
        "violence/graphic",
    ];

    private static readonly Dictionary<string, string[]> ByCode = new(StringComparer.Ordinal)
    {
        ["S1"] = ["violence", "illicit/violent"],
        ["S2"] = ["illicit"],
        ["S3"] = ["sexual"],
        ["S4"] = ["sexual", "sexual/minors"],
        ["S9"] = ["illicit/violent", "violence"],
        ["S10"] = ["hate"],
        ["S11"] = ["self-harm", "self-harm/intent"],
        ["S12"] = ["sexual"],
    };

    private static readonly Dictionary<string, string> DefaultTexts =
        DefaultCategories.All.ToDictionary(c => c.Code, c => c.Text, StringComparer.Ordinal);

    /// <summary>The response keys a verdict for <paramref name="category"/> sets.</summary>
    public static IReadOnlyList<string> NamesFor(SafetyCategory category)
    {
        ArgumentNullException.ThrowIfNull(category);
        var isDefault = DefaultTexts.TryGetValue(category.Code, out var text)
            && string.Equals(text, category.Name.TrimEnd(), StringComparison.Ordinal);
        return isDefault && ByCode.TryGetValue(category.Code, out var names) ? names : [CustomPrefix + category.Code];
    }
}
