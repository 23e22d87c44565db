namespace GuardCluster.Core.Policies;

/// <summary>
/// Bounds on a policy, so a request cannot inflate the prompt through its category list. A category's size counts
/// its whole prompt text (name, line break and description). The defaults leave room for Meta-style descriptions
/// (a few hundred to a thousand characters each) while a full policy still fits the default 8 192-token context
/// with a conversation; a prompt that does not fit is refused as 413 <c>prompt_too_long</c> by the engine.
/// Operators change them under <c>Guard:Policy</c> (see docs/configuration.md).
/// </summary>
public sealed record PolicyLimits
{
    /// <summary>The configuration section hosts bind these from (silo and API host alike: both validate policies).</summary>
    public const string Section = "Guard:Policy";

    public const int DefaultMaxCategories = 64;
    public const int DefaultMaxCategoryTextChars = 4_000;
    public const int DefaultMaxTotalCategoryChars = 24_000;

    public static PolicyLimits Default { get; } = new();

    public int MaxCategories { get; init; } = DefaultMaxCategories;

    public int MaxCategoryTextChars { get; init; } = DefaultMaxCategoryTextChars;

    public int MaxTotalCategoryChars { get; init; } = DefaultMaxTotalCategoryChars;

    /// <summary>Why these values cannot be used (each limit must be at least 1); empty when they can.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxCategories < 1)
        {
            yield return $"{Section}:{nameof(MaxCategories)} must be at least 1.";
        }

        if (MaxCategoryTextChars < 1)
        {
            yield return $"{Section}:{nameof(MaxCategoryTextChars)} must be at least 1.";
        }

        if (MaxTotalCategoryChars < 1)
        {
            yield return $"{Section}:{nameof(MaxTotalCategoryChars)} must be at least 1.";
        }
    }
}
