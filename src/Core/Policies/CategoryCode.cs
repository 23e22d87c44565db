namespace GuardCluster.Core.Policies;

/// <summary>Category code syntax: <c>S</c> followed by 1..999 without leading zeros (<c>^S[1-9][0-9]{0,2}$</c>, ASCII only).</summary>
public static class CategoryCode
{
    public static bool IsValid(string? code)
    {
        if (code is null || code.Length is < 2 or > 4 || code[0] != 'S' || code[1] is < '1' or > '9')
        {
            return false;
        }

        for (var i = 2; i < code.Length; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
            {
                return false;
            }
        }

        return true;
    }
}
