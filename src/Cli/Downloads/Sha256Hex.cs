namespace GuardCluster.Cli.Downloads;

public static class Sha256Hex
{
    /// <summary>Lower-cases a 64-digit hex digest, or returns null when it is not one.</summary>
    public static string? Normalize(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 64 && trimmed.All(Uri.IsHexDigit) ? trimmed.ToLowerInvariant() : null;
    }
}
