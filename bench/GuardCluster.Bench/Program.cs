using System.Diagnostics;
using GuardCluster.Bench;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Setup;
using GuardCluster.Bench.Systems;
using GuardCluster.Bench.Workloads;
using GuardCluster.Engine;
using GuardCluster.Engine.Native;
using LLama;
using LLama.Common;
using LLama.Native;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var output = Console.Out;
var total = Stopwatch.StartNew();
try
{
    // llama.cpp must be configured before the first native call (the baseline weights may load first).
    NativeBackend.EnsureConfigured(null);
    // Workload 5 always uses the demo model; don't build or map the big one for it alone.
    var onlyOverhead = !new[] { "w1", "w2", "w3", "w4", "w6", "w7" }.Any(options.Runs);
    var model = onlyOverhead && options.ModelPath is null ? ModelLocator.Demo() : ModelLocator.Resolve(options, output);
    if (options.Prepare)
    {
        output.WriteLine($"model ready: {model.Path}");
        return 0;
    }

    var machine = MachineInfo.Collect(options, model.Description, model.Path, args);
    output.WriteLine("GuardCluster benchmark" + (options.Quick ? " (--quick: demo model, small counts)" : string.Empty));
    machine.Write(output);

    // The peer (node-llama-cpp) runs in w1–w3 next to the baselines; without node/npm its rows are skipped.
    PeerSetup? peer = null;
    string? peerSkipped = null;
    if (options.Peer && (options.Runs("w1") || options.Runs("w2") || options.Runs("w3")))
    {
        (peer, peerSkipped) = PeerSetup.Resolve(output);
        output.WriteLine(peer is not null
            ? $"peer    : {PeerSetup.Package} {peer.Version} in a child process (bench/peers/peer.mjs): same GGUF and llama.cpp settings, one sequence per caller, automatic prefix reuse, greedy"
            : $"peer    : skipped: {peerSkipped}");
    }
    else if (!options.Peer)
    {
        output.WriteLine("peer    : skipped (--no-peer)");
    }

    await using var engine = await LlamaGuardEngine.LoadAsync(BenchContext.EngineOptionsFor(options, model.Path));
    var needsBaselines = options.Runs("w1") || options.Runs("w2") || options.Runs("w3") || options.Runs("w6");
    using var baselineWeights = needsBaselines
        ? LLamaWeights.LoadFromFile(new ModelParams(model.Path) { LoadMode = LLamaLoadMode.MemoryMap, GpuLayerCount = 0 })
        : null;
    var context = new BenchContext(options, model, engine, baselineWeights, output, peer);

    IWorkload[] workloads = [new SingleChecksWorkload(), new ConversationsWorkload(), new MixedTenantsWorkload(), new ConcurrencyWorkload(), new HttpOverheadWorkload(), new ManyConversationsWorkload(), new NoisyNeighbourWorkload()];
    var reports = new List<WorkloadReport>();
    foreach (var workload in workloads.Where(w => options.Runs(w.Id)))
    {
        var watch = Stopwatch.StartNew();
        var report = await workload.RunAsync(context);
        reports.Add(report);
        TableWriter.Write(output, report);
        output.WriteLine($"   ({watch.Elapsed.TotalSeconds:F1} s)");
    }

    var targets = reports.SelectMany(r => r.Targets).ToList();
    if (targets.Count > 0)
    {
        output.WriteLine();
        output.WriteLine(model.IsDemo
            ? "targets (the speed-up targets are for the synthetic 1B model; on the demo model only the overhead target is meaningful):"
            : "targets:");
        foreach (var target in targets)
        {
            output.WriteLine($"   {target}");
        }
    }

    if (model.IsSynthetic && options.RandomAnswers && reports.Any(r => r.Rows.Any(row => row.Verdicts.StartsWith("DIFF", StringComparison.Ordinal))))
    {
        output.WriteLine();
        output.WriteLine("note: DIFF with --random-answers is expected: the engine's fast verdict path feeds \"\\n\\n\" instead of");
        output.WriteLine("      decoding it, and random weights do not pick it greedily. Without the flag verdicts must match.");
    }

    if (options.JsonPath is { } json)
    {
        JsonReport.Write(json, machine, reports);
        output.WriteLine($"wrote {json}");
    }

    output.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
    if (options.Strict)
    {
        var diffs = reports.SelectMany(r => r.Rows.Where(row => row.Verdicts.StartsWith("DIFF", StringComparison.Ordinal)).Select(row => $"{r.Id} {row.System}: {row.Verdicts}")).ToList();
        if ((diffs.Count > 0 && !options.RandomAnswers) || peerSkipped is not null)
        {
            await Console.Error.WriteLineAsync($"--strict: {(peerSkipped is not null ? $"peer skipped ({peerSkipped}); " : string.Empty)}{string.Join("; ", diffs)}");
            return 3;
        }
    }

    return 0;
}
catch (BenchSetupException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}
catch (PeerException e)
{
    await Console.Error.WriteLineAsync($"error: peer: {e.Message}");
    return 1;
}
