namespace GuardCluster.Core.Text;

/// <summary>
/// Line boundaries as Python's <c>str.splitlines()</c> sees them (\n, \r, \r\n, \v, \f, U+001C..U+001E, U+0085,
/// U+2028, U+2029). The template passes every one of them through verbatim, and the model may read any of them
/// as a line break, so checks on lines use this wider set rather than '\n' alone.
/// </summary>
public static class PythonLines
{
    public const string BreakCharacters = "\n\r\v\f\u001C\u001D\u001E\u0085\u2028\u2029";

    /// <summary>The lines of <paramref name="text"/>, without their breaks (<c>\r\n</c> is one break).</summary>
    public static IEnumerable<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        while (true)
        {
            var found = text.AsSpan(start).IndexOfAny(BreakCharacters);
            if (found < 0)
            {
                yield return text[start..];
                yield break;
            }

            var end = start + found;
            yield return text[start..end];
            start = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
        }
    }

    /// <summary>The text up to its first line break (all of it when there is none).</summary>
    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = text.AsSpan().IndexOfAny(BreakCharacters);
        return found < 0 ? text : text[..found];
    }
}
