using System.Runtime.InteropServices;

namespace GuardCluster.Bench.Reporting;

/// <summary>Where and how the numbers were measured; printed first so a pasted result is self-describing.</summary>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, int Threads, bool FlashAttention, int ContextSize, string Model, string ModelPath, string CommandLine, string LoadAverage, string Engine)
{
    public static MachineInfo Collect(BenchOptions options, string model, string modelPath, IReadOnlyList<string> args) => new(
        CpuName(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        options.EffectiveThreads,
        options.FlashAttention,
        options.ContextSize,
        model,
        modelPath,
        "dotnet run -c Release --project bench/GuardCluster.Bench --" + string.Concat(args.Select(a => " " + (a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a))),
        LoadAverageNow(),
        $"fast verdict {OnOff(options.FastVerdict)}, prefix cache {OnOff(options.PrefixCache)}, session cache {OnOff(options.SessionCache)}, answer cap {options.MaxNewTokens} tokens");

    public void Write(TextWriter output)
    {
        output.WriteLine($"machine : {Cpu}, {Cores} cores, {Os}, {Runtime}, load average {LoadAverage} at start");
        output.WriteLine($"llama   : {Threads} thread{(Threads == 1 ? "" : "s")}, flash attention {(FlashAttention ? "on" : "off")}, {ContextSize} KV cells, CPU backend");
        output.WriteLine($"engine  : {Engine}");
        output.WriteLine($"model   : {Model}");
        output.WriteLine($"          {ModelPath}");
        output.WriteLine($"command : {CommandLine}");
    }

    private static string OnOff(bool on) => on ? "on" : "off";

    /// <summary>Other work on the machine skews every number; the 1/5/15-minute load shows how busy it was.</summary>
    private static string LoadAverageNow()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
            // Not Linux: fall through to the architecture.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
