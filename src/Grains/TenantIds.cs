using System.Text.RegularExpressions;

namespace GuardCluster.Grains;

/// <summary>Tenant ids are short lowercase slugs: safe in keys, URLs and grain keys (no '/' or '.').</summary>
public static partial class TenantIds
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
