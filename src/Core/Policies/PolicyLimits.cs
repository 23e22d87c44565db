namespace GuardCluster.Core.Policies;

/// <summary>Bounds on a policy, so a request cannot inflate the prompt through its category list.</summary>
public sealed record PolicyLimits
{
    public static PolicyLimits Default { get; } = new();

    public int MaxCategories { get; init; } = 64;

    public int MaxCategoryTextChars { get; init; } = 2_000;

    public int MaxTotalCategoryChars { get; init; } = 16_000;
}
