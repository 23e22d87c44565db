using System.Text.Json;

namespace GuardCluster.Bench.Reporting;

/// <summary>The whole run as JSON (<c>--json FILE</c>), for tracking numbers across commits.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string path, MachineInfo machine, IReadOnlyList<WorkloadReport> workloads)
    {
        var document = new
        {
            machine,
            workloads = workloads.Select(w => new
            {
                w.Id,
                w.Title,
                w.Reference,
                w.Rows,
                w.Notes,
                targets = w.Targets.Select(t => new { t.Description, t.Measured, t.Goal, t.HigherIsBetter, t.Unit, t.Met }),
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options));
    }
}
