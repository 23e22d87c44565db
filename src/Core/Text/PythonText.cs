namespace GuardCluster.Core.Text;

/// <summary>
/// Python 3 string semantics the chat template relies on. Jinja's <c>trim</c> filter is Python's
/// <c>str.strip()</c>, whose whitespace set differs from .NET's <see cref="char.IsWhiteSpace(char)"/>
/// (Python includes U+001C..U+001F), so the prompt must not use <see cref="string.Trim()"/>.
/// </summary>
public static class PythonText
{
    /// <summary>True exactly where Python's <c>str.isspace()</c> is true for a single BMP character.</summary>
    public static bool IsSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,          // \t \n \v \f \r
        >= '\u001C' and <= '\u0020' => true,  // file/group/record/unit separators, space
        '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Python's <c>str.strip()</c> with no arguments. Returns the same instance when nothing is stripped.</summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        var end = text.Length;
        while (start < end && IsSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsSpace(text[end - 1]))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary>True when <see cref="Strip"/> would return an empty string.</summary>
    public static bool IsBlank(string? text)
    {
        if (text is null)
        {
            return true;
        }

        foreach (var c in text)
        {
            if (!IsSpace(c))
            {
                return false;
            }
        }

        return true;
    }
}
