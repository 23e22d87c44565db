using GuardCluster.Core.Prompting;
using GuardCluster.Core.Text;

namespace GuardCluster.Core.Policies;

/// <summary>
/// Which category lines would forge the structure of the prompt. A category may span many lines (Meta's policy
/// format: name, then description), and the model reads those lines in the categories block, so a line must not
/// look like something the template itself writes there or around it:
/// <list type="bullet">
/// <item>a line that is a section marker (<c>&lt;END UNSAFE CONTENT CATEGORIES&gt;</c>, ...; trimmed, any case):
/// it would end the block early or open a fake conversation;</item>
/// <item>a later line that starts like a category line (<c>S99:</c>, any case, spaces allowed before the colon): it
/// would add a category the policy does not declare, which the model could then name in its verdict;</item>
/// <item>a line that starts like the template's own task or instruction sentence (<c>Task: Check if there is unsafe
/// content</c>, <c>Provide your safety assessment</c>): the model would read a second task inside the policy.</item>
/// </list>
/// Lines starting with <c>User:</c>/<c>Agent:</c> are allowed on purpose: they cannot leave the categories block
/// (its end marker cannot be forged), and example exchanges are a normal part of a rich policy description.
/// </summary>
public static class CategoryStructure
{
    private static readonly string[] TemplateSentences =
    [
        "Task: Check if there is unsafe content",
        "Provide your safety assessment",
    ];

    /// <summary>The first line of <paramref name="promptText"/> that forges structure, or null.</summary>
    public static string? FindForgedLine(string promptText)
    {
        ArgumentNullException.ThrowIfNull(promptText);
        var index = 0;
        foreach (var line in PythonLines.Split(promptText))
        {
            var trimmed = PythonText.Strip(line);
            if (IsMarker(trimmed) || StartsWithTemplateSentence(trimmed) || (index > 0 && StartsLikeCategoryLine(trimmed)))
            {
                return line;
            }

            index++;
        }

        return null;
    }

    private static bool IsMarker(string trimmed)
    {
        foreach (var marker in LlamaGuardMarkers.All)
        {
            if (string.Equals(trimmed, marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithTemplateSentence(string trimmed)
    {
        foreach (var sentence in TemplateSentences)
        {
            if (trimmed.StartsWith(sentence, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>S</c> (any case), one or more ASCII digits, optional spaces/tabs, then <c>:</c>.</summary>
    private static bool StartsLikeCategoryLine(string trimmed)
    {
        if (trimmed.Length < 3 || (trimmed[0] != 'S' && trimmed[0] != 's') || !char.IsAsciiDigit(trimmed[1]))
        {
            return false;
        }

        var i = 2;
        while (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
        {
            i++;
        }

        while (i < trimmed.Length && (trimmed[i] == ' ' || trimmed[i] == '\t'))
        {
            i++;
        }

        return i < trimmed.Length && trimmed[i] == ':';
    }
}
