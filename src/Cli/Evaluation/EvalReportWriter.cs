using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace GuardCluster.Cli.Evaluation;

/// <summary>Renders an <see cref="EvalReport"/> as JSON (for machines) or a table (for people).</summary>
public static class EvalReportWriter
{
    public static string ToJson(EvalReport report, double? threshold)
    {
        var root = new JsonObject
        {
            ["examples"] = report.Examples,
            ["threshold"] = threshold,
            ["overall"] = Counts(report.Overall.Counts),
            ["indeterminate"] = new JsonObject
            {
                ["total"] = report.Indeterminate.Total,
                ["expected_unsafe"] = report.Indeterminate.ExpectedUnsafe,
                ["expected_safe"] = report.Indeterminate.ExpectedSafe,
            },
            ["unsafe_without_categories"] = report.UnsafeWithoutCategories,
            ["per_category"] = new JsonArray([.. report.PerCategory.Select(c => (JsonNode)Counts(c.Counts, c.Code))]),
        };
        root["overall"]!["auprc"] = report.Overall.Auprc;
        root["overall"]!["scored_examples"] = report.Overall.ScoredExamples;
        return root.ToJsonString(new() { WriteIndented = true });
    }

    public static void WriteText(EvalReport report, double? threshold, IAnsiConsole console)
    {
        var i = report.Indeterminate;
        console.WriteLine(Invariant($"examples: {report.Examples}   threshold: {(threshold is { } t ? Number(t) : "model answer")}"));
        console.WriteLine(Invariant($"indeterminate: {i.Total} (expected unsafe {i.ExpectedUnsafe}, expected safe {i.ExpectedSafe}), not counted below"));
        console.WriteLine(Invariant($"AUPRC (unsafe_probability): {Number(report.Overall.Auprc)} over {report.Overall.ScoredExamples} scored examples"));
        if (report.UnsafeWithoutCategories > 0)
        {
            console.WriteLine(Invariant($"per-category rows leave out {report.UnsafeWithoutCategories} unsafe examples without expected_categories"));
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in new[] { "", "TP", "FP", "TN", "FN", "precision", "recall", "F1", "FPR" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        table.Columns[0].LeftAligned();
        table.AddRow(Row("overall", report.Overall.Counts));
        foreach (var category in report.PerCategory)
        {
            table.AddRow(Row(category.Code, category.Counts));
        }

        console.Write(table);
    }

    private static JsonObject Counts(ConfusionCounts c, string? code = null)
    {
        var node = new JsonObject();
        if (code is not null)
        {
            node["code"] = code;
            node["support"] = c.Positives;
        }

        node["tp"] = c.TruePositives;
        node["fp"] = c.FalsePositives;
        node["tn"] = c.TrueNegatives;
        node["fn"] = c.FalseNegatives;
        node["precision"] = c.Precision;
        node["recall"] = c.Recall;
        node["f1"] = c.F1;
        node["false_positive_rate"] = c.FalsePositiveRate;
        return node;
    }

    private static string[] Row(string name, ConfusionCounts c) =>
    [
        Markup.Escape(name),
        Invariant($"{c.TruePositives}"), Invariant($"{c.FalsePositives}"), Invariant($"{c.TrueNegatives}"), Invariant($"{c.FalseNegatives}"),
        Number(c.Precision), Number(c.Recall), Number(c.F1), Number(c.FalsePositiveRate),
    ];

    private static string Number(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
