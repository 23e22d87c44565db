using GuardCluster.Core;
using GuardCluster.Core.Policies;

namespace GuardCluster.Contracts;

/// <summary>
/// A partial policy update (<c>PUT /v1/policy</c>), merged into the stored policy by the tenant grain in the same
/// turn that writes it, so concurrent partial updates never lose each other's fields. Each part that is set
/// replaces its part; parts left null keep theirs. New categories drop the old exclusions (a code's meaning
/// belongs to the list that defines it) unless exclusions are given with them. <see cref="SetsThreshold"/> with a
/// null <see cref="Threshold"/> clears the threshold. <see cref="Limits"/> holds only the limits named in the
/// request, by wire name (<see cref="TenantLimitFields"/>); 0 unsets one.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("gc.PolicyPatch")]
public sealed record PolicyPatch
{
    [Id(0)]
    public string[]? CategoryCodes { get; init; }

    [Id(1)]
    public string[]? CategoryTexts { get; init; }

    [Id(2)]
    public string[]? ExcludedCodes { get; init; }

    [Id(3)]
    public bool SetsThreshold { get; init; }

    [Id(4)]
    public double? Threshold { get; init; }

    [Id(5)]
    public Dictionary<string, int>? Limits { get; init; }

    /// <summary><c>audit.store_content</c>, when given.</summary>
    [Id(6)]
    public bool? AuditStoreContent { get; init; }

    /// <summary><c>audit.retention_days</c>, when given (range-checked by the API host, which knows the operator's cap).</summary>
    [Id(7)]
    public int? AuditRetentionDays { get; init; }

    /// <summary>Each category's description (null = none), parallel to <see cref="CategoryCodes"/>; null when no category has one (and from older senders).</summary>
    [Id(8)]
    public string?[]? CategoryDescriptions { get; init; }

    /// <summary>The merged policy, validated (<see cref="PolicyValidator"/> under <paramref name="policyLimits"/>; limit names checked), version unchanged.</summary>
    public TenantPolicy ApplyTo(TenantPolicy current, PolicyLimits? policyLimits = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        IReadOnlyList<SafetyCategory> categories = current.Policy.Categories;
        if (CategoryCodes is { } codes)
        {
            var texts = CategoryTexts ?? [];
            if (texts.Length != codes.Length)
            {
                throw new ArgumentException("Category codes and texts differ in count.", nameof(current));
            }

            var descriptions = CategoryDescriptions ?? [];
            if (descriptions.Length != 0 && descriptions.Length != codes.Length)
            {
                throw new ArgumentException("Category codes and descriptions differ in count.", nameof(current));
            }

            categories = [.. codes.Select((code, i) => new SafetyCategory(code, texts[i], descriptions.Length == 0 ? null : descriptions[i]))];
        }

        IReadOnlyList<string> excluded = ExcludedCodes ?? (CategoryCodes is null ? current.Policy.ExcludedCodes : []);
        var threshold = SetsThreshold ? Threshold : current.Policy.Threshold;
        var policy = new SafetyPolicy(categories, excluded, threshold);
        PolicyValidator.Validate(policy, policyLimits);

        var limits = current.Limits;
        foreach (var (name, value) in Limits ?? [])
        {
            var field = TenantLimitFields.Find(name) ?? throw new GuardValidationException(
                GuardErrorCodes.UnknownField, $"'limits.{name}' is not a limit.", $"limits.{name}");
            limits = field.Set(limits, value);
        }

        var audit = current.Audit ?? AuditSettings.Default;
        if (AuditStoreContent is not null || AuditRetentionDays is not null)
        {
            audit = new AuditSettings(AuditStoreContent ?? audit.StoreContent, AuditRetentionDays ?? audit.RetentionDays);
        }

        return current with { Policy = policy, Limits = limits, Audit = audit };
    }
}
