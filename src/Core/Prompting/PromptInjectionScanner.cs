using GuardCluster.Core.Conversations;
using GuardCluster.Core.Text;

namespace GuardCluster.Core.Prompting;

/// <summary>
/// Cheap detector for content that imitates the template's structure. Detection only: rendering never
/// alters content, because rewriting what a user said would change what the classifier judges.
/// </summary>
public static class PromptInjectionScanner
{
    /// <summary>Longest name between <c>&lt;|</c> and <c>|&gt;</c> that counts as special-token text.</summary>
    public const int MaxSpecialTokenNameLength = 64;

    /// <summary>Findings of every text part of the conversation, as warning codes (see <see cref="ToWarnings"/>).</summary>
    public static IReadOnlyList<string> Scan(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var findings = InjectionFindings.None;
        foreach (var message in conversation.Messages)
        {
            foreach (var part in message.TextParts)
            {
                findings |= ScanText(PythonText.Strip(part));
            }
        }

        return ToWarnings(findings);
    }

    /// <summary>Findings for one text part. Pass the stripped text: that is what the prompt contains.</summary>
    public static InjectionFindings ScanText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var findings = InjectionFindings.None;

        // Markers and special tokens both need '<'; most content has none, so one vectorized search skips both.
        if (text.Contains('<', StringComparison.Ordinal))
        {
            if (ContainsTemplateMarker(text))
            {
                findings |= InjectionFindings.TemplateMarker;
            }

            if (ContainsSpecialTokenText(text))
            {
                findings |= InjectionFindings.SpecialTokenText;
            }
        }

        if (HasRolePrefixLine(text))
        {
            findings |= InjectionFindings.RolePrefix;
        }

        return findings;
    }

    /// <summary>Warning codes in a fixed order (marker, special token, role prefix), each at most once.</summary>
    public static IReadOnlyList<string> ToWarnings(InjectionFindings findings)
    {
        if (findings == InjectionFindings.None)
        {
            return [];
        }

        var warnings = new List<string>(3);
        if (findings.HasFlag(InjectionFindings.TemplateMarker))
        {
            warnings.Add(PromptWarnings.TemplateMarkerInContent);
        }

        if (findings.HasFlag(InjectionFindings.SpecialTokenText))
        {
            warnings.Add(PromptWarnings.SpecialTokenTextInContent);
        }

        if (findings.HasFlag(InjectionFindings.RolePrefix))
        {
            warnings.Add(PromptWarnings.RolePrefixInContent);
        }

        return warnings;
    }

    /// <summary>
    /// Case-insensitive on purpose: the model reads <c>&lt;end conversation&gt;</c> much like the real marker,
    /// and a warning costs nothing when it is a false alarm.
    /// </summary>
    public static bool ContainsTemplateMarker(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var marker in LlamaGuardMarkers.All)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Matches <c>&lt;\|[^|&gt;\s]{1,64}\|&gt;</c> without a regex (this runs on every request).</summary>
    public static bool ContainsSpecialTokenText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        var offset = 0;
        while (true)
        {
            var found = span[offset..].IndexOf("<|", StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            var nameStart = offset + found + 2;
            var i = nameStart;
            while (i < span.Length && i - nameStart <= MaxSpecialTokenNameLength
                   && span[i] != '|' && span[i] != '>' && !char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            var nameLength = i - nameStart;
            if (nameLength is >= 1 and <= MaxSpecialTokenNameLength
                && i + 1 < span.Length && span[i] == '|' && span[i + 1] == '>')
            {
                return true;
            }

            offset = nameStart - 1; // resume right after this '<'
        }
    }

    /// <summary>
    /// A line other than the first that starts (after spaces/tabs) with <c>User:</c> or <c>Agent:</c>. The first
    /// line is skipped because the template itself writes the real role prefix in front of it.
    /// </summary>
    public static bool HasRolePrefixLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        var offset = 0;
        while (true)
        {
            var found = span[offset..].IndexOfAny('\n', '\r');
            if (found < 0)
            {
                return false;
            }

            var i = offset + found + 1;
            while (i < span.Length && (span[i] == ' ' || span[i] == '\t'))
            {
                i++;
            }

            var rest = span[i..];
            if (rest.StartsWith("User:", StringComparison.Ordinal) || rest.StartsWith("Agent:", StringComparison.Ordinal))
            {
                return true;
            }

            offset = offset + found + 1;
        }
    }
}
