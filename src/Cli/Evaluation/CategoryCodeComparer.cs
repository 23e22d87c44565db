namespace GuardCluster.Cli.Evaluation;

/// <summary>Orders codes naturally (S2 before S10) by comparing the trailing number numerically.</summary>
public sealed class CategoryCodeComparer : IComparer<string>
{
    public static CategoryCodeComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var (xPrefix, xNumber) = Split(x);
        var (yPrefix, yNumber) = Split(y);
        var byPrefix = string.CompareOrdinal(xPrefix, yPrefix);
        if (byPrefix != 0)
        {
            return byPrefix;
        }

        var byNumber = Nullable.Compare(xNumber, yNumber);
        return byNumber != 0 ? byNumber : string.CompareOrdinal(x, y);
    }

    private static (string Prefix, long? Number) Split(string code)
    {
        var start = code.Length;
        while (start > 0 && char.IsAsciiDigit(code[start - 1]))
        {
            start--;
        }

        // Digits beyond long's range just compare as text.
        return start < code.Length && long.TryParse(code.AsSpan(start), out var n) ? (code[..start], n) : (code, null);
    }
}
