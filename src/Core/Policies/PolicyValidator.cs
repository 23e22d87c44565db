using GuardCluster.Core.Conversations;
using GuardCluster.Core.Prompting;
using GuardCluster.Core.Text;

namespace GuardCluster.Core.Policies;

/// <summary>
/// Checks that a policy renders into a well-formed category block. Category text (name and description) is written
/// verbatim into the prompt and may span lines (Meta's policy format), so what could fake structure there is rejected
/// rather than warned about: lines that imitate the template (<see cref="CategoryStructure"/>), section markers
/// anywhere, and special-token text (refused, although the engine would tokenize it as plain text anyway).
/// </summary>
public static class PolicyValidator
{
    public static void Validate(SafetyPolicy policy, PolicyLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        limits ??= PolicyLimits.Default;
        var categories = policy.Categories ?? [];
        var excluded = policy.ExcludedCodes ?? [];

        if (categories.Count > limits.MaxCategories)
        {
            throw Limit(
                GuardErrorCodes.TooManyCategories,
                $"The policy has {categories.Count} categories; at most {limits.MaxCategories} are allowed.",
                "categories");
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        long totalChars = 0;
        for (var i = 0; i < categories.Count; i++)
        {
            var category = categories[i];
            var path = $"categories[{i}]";
            if (category is null || !CategoryCode.IsValid(category.Code))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.InvalidCategoryCode,
                    $"Category code '{category?.Code}' is invalid: codes look like S1..S999 (no leading zero).",
                    path);
            }

            if (!codes.Add(category.Code))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.DuplicateCategoryCode, $"Category code '{category.Code}' appears more than once.", path);
            }

            CheckText(category, limits, path);
            totalChars += category.PromptText.Length;
            if (totalChars > limits.MaxTotalCategoryChars)
            {
                throw Limit(
                    GuardErrorCodes.CategoriesTooLong,
                    $"Category texts exceed {limits.MaxTotalCategoryChars} characters in total.",
                    "categories");
            }
        }

        CheckExcluded(excluded, codes, limits);

        if (!policy.ActiveCategories.Any())
        {
            throw new GuardValidationException(
                GuardErrorCodes.NoActiveCategories,
                "At least one category must remain after exclusions; the model needs a policy to check against.",
                "categories");
        }

        if (policy.Threshold is { } threshold && !(double.IsFinite(threshold) && threshold > 0 && threshold <= 1))
        {
            throw new GuardValidationException(
                GuardErrorCodes.InvalidThreshold,
                "The threshold must be a number greater than 0 and at most 1.",
                "threshold");
        }
    }

    private static void CheckText(SafetyCategory category, PolicyLimits limits, string path)
    {
        if (PythonText.IsBlank(category.Text))
        {
            throw new GuardValidationException(
                GuardErrorCodes.BlankCategoryText, $"Category '{category.Code}' has no text.", path);
        }

        // An empty description would render as a stray line break; absent (null) is how a category has none.
        if (category.Description is { } description && PythonText.IsBlank(description))
        {
            throw new GuardValidationException(
                GuardErrorCodes.BlankCategoryText,
                $"Category '{category.Code}' has a blank description; leave 'description' out instead.",
                path + ".description");
        }

        var text = category.PromptText;
        if (text.Length > limits.MaxCategoryTextChars)
        {
            throw Limit(
                GuardErrorCodes.CategoryTextTooLong,
                $"Category '{category.Code}' has {text.Length} characters (name and description); at most {limits.MaxCategoryTextChars} are allowed.",
                path);
        }

        if (CategoryStructure.FindForgedLine(text) is { } forged)
        {
            throw new GuardValidationException(
                GuardErrorCodes.CategoryTextForgesStructure,
                $"Category '{category.Code}' has a line that imitates the prompt's structure ('{Shorten(forged)}'): "
                + "a line may not be a section marker, start like a category line (S<n>:), or repeat the template's task or instruction.",
                path);
        }

        if (PromptInjectionScanner.ContainsTemplateMarker(text) || PromptInjectionScanner.ContainsSpecialTokenText(text))
        {
            throw new GuardValidationException(
                GuardErrorCodes.CategoryTextContainsMarker,
                $"Category '{category.Code}' text must not contain template markers or special-token text like <|eot_id|>.",
                path);
        }

        var bad = ConversationValidator.FindInvalidCharacter(text);
        if (bad >= 0)
        {
            throw new GuardValidationException(
                GuardErrorCodes.InvalidCharacter,
                $"Category '{category.Code}' text contains an invalid character (U+{(int)text[bad]:X4}).",
                path);
        }
    }

    private static string Shorten(string line)
    {
        var trimmed = PythonText.Strip(line);
        return trimmed.Length <= 80 ? trimmed : trimmed[..77] + "...";
    }

    private static void CheckExcluded(IReadOnlyList<string> excluded, HashSet<string> codes, PolicyLimits limits)
    {
        // Duplicates are harmless, but the list must still be bounded.
        if (excluded.Count > limits.MaxCategories)
        {
            throw Limit(
                GuardErrorCodes.TooManyCategories,
                $"At most {limits.MaxCategories} excluded codes are allowed.",
                "excluded_category_keys");
        }

        foreach (var code in excluded)
        {
            if (!CategoryCode.IsValid(code))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.InvalidExcludedCode,
                    $"Excluded code '{code}' is invalid: codes look like S1..S999.",
                    "excluded_category_keys");
            }

            // An exclusion that matches nothing is almost always a typo; say so instead of ignoring it.
            if (!codes.Contains(code))
            {
                throw new GuardValidationException(
                    GuardErrorCodes.UnknownExcludedCode,
                    $"Excluded code '{code}' is not one of the policy's categories.",
                    "excluded_category_keys");
            }
        }
    }

    private static GuardValidationException Limit(string code, string message, string path) =>
        new(code, message, path, isLimit: true);
}
