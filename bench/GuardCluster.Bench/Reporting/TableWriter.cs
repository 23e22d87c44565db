using System.Globalization;

namespace GuardCluster.Bench.Reporting;

/// <summary>Plain aligned text tables, so the output pastes into a README or an issue unchanged.</summary>
public static class TableWriter
{
    private static readonly string[] Headers =
        ["system", "reqs", "p50 ms", "p95 ms", "req/s", "prompt tok", "prefilled tok", "answer tok", "×thru", "×p50", "verdicts", "notes"];

    public static void Write(TextWriter output, WorkloadReport report)
    {
        output.WriteLine();
        output.WriteLine($"== {report.Id}: {report.Title}");
        output.WriteLine($"   ratios: ×thru = req/s ÷ req/s of \"{report.Reference}\"; ×p50 = its median ÷ this median (higher is better)");
        var cells = report.Rows.Select(Cells).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        WriteLine(output, Headers, widths);
        WriteLine(output, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in cells)
        {
            WriteLine(output, row, widths);
        }

        foreach (var note in report.Notes)
        {
            output.WriteLine($"   {note}");
        }

        foreach (var target in report.Targets)
        {
            output.WriteLine($"   {target}");
        }
    }

    private static string[] Cells(ReportRow r) =>
    [
        r.System,
        r.Requests.ToString(CultureInfo.InvariantCulture),
        F(r.MedianMs, r.MedianMs < 10 ? "0.00" : "0.0"),
        F(r.P95Ms, r.P95Ms < 10 ? "0.00" : "0.0"),
        F(r.RequestsPerSecond, r.RequestsPerSecond < 10 ? "0.000" : "0.0"),
        F(r.PromptTokensPerRequest, "0.0"),
        F(r.PrefilledTokensPerRequest, "0.0"),
        F(r.AnswerTokensPerRequest, "0.0"),
        r.ThroughputRatio is { } t ? F(t, "0.00") + "×" : "-",
        r.MedianRatio is { } m ? F(m, "0.00") + "×" : "-",
        r.Verdicts,
        r.Extra ?? string.Empty,
    ];

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        var parts = cells.Select((c, i) => i == 0 || i >= cells.Length - 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]));
        output.WriteLine("   " + string.Join("  ", parts).TrimEnd());
    }
}
