using GuardCluster.Core.Policies;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Text;

namespace GuardCluster.Core.Verdicts;

/// <summary>
/// Strict reader of the model's answer. Only the two shapes the model was trained to emit are accepted;
/// everything else is <see cref="VerdictOutcome.Indeterminate"/>, never silently safe.
/// </summary>
public static class VerdictParser
{
    public const string SafeWord = "safe";
    public const string UnsafeWord = "unsafe";

    public static ParsedVerdict Parse(string raw, SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(policy);

        var text = PythonText.Strip(raw);
        if (text.EndsWith(LlamaGuardTokens.EotId, StringComparison.Ordinal))
        {
            text = PythonText.Strip(text[..^LlamaGuardTokens.EotId.Length]);
        }

        if (text == SafeWord)
        {
            return new ParsedVerdict(VerdictOutcome.Safe, [], [], raw);
        }

        if (text == UnsafeWord)
        {
            // The model flagged the content but named no category: still unsafe.
            return new ParsedVerdict(VerdictOutcome.Unsafe, [], [], raw);
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || PythonText.Strip(text[..newline]) != UnsafeWord)
        {
            return Indeterminate(raw);
        }

        var codeLine = text[(newline + 1)..];
        if (codeLine.Contains('\n', StringComparison.Ordinal))
        {
            return Indeterminate(raw); // a third line is not part of the contract
        }

        var codes = new List<string>();
        foreach (var item in codeLine.Split(','))
        {
            var code = PythonText.Strip(item);
            if (!IsModelCode(code))
            {
                return Indeterminate(raw);
            }

            if (!codes.Contains(code, StringComparer.Ordinal))
            {
                codes.Add(code);
            }
        }

        var unknown = codes.Where(c => !policy.IsActive(c)).ToArray();
        return new ParsedVerdict(VerdictOutcome.Unsafe, codes, unknown, raw);
    }

    /// <summary><c>S</c> + 1..3 ASCII digits. Looser than policy codes on purpose, so odd answers (<c>S0</c>) surface as unknown.</summary>
    private static bool IsModelCode(string code)
    {
        if (code.Length is < 2 or > 4 || code[0] != 'S')
        {
            return false;
        }

        for (var i = 1; i < code.Length; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static ParsedVerdict Indeterminate(string raw) => new(VerdictOutcome.Indeterminate, [], [], raw);
}
