using System.Globalization;
using GuardCluster.Bench.Reporting;
using GuardCluster.Bench.Setup;
using GuardCluster.Bench.Systems;
using GuardCluster.Engine;
using GuardCluster.Silo.Hosting;

namespace GuardCluster.Bench.Workloads;

/// <summary>
/// Workload 5: the demo model (so inference is ~1 ms and the fixed costs show) through HTTP → gateway → grain →
/// engine, against an identically configured engine called in-process. Calls alternate between the two paths so
/// drift (GC, CPU frequency, neighbours) hits both equally; the overhead is the difference of medians.
/// </summary>
public sealed class HttpOverheadWorkload : IWorkload
{
    public string Id => "w5";

    public async Task<WorkloadReport> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var demo = ModelLocator.Demo();
        var engineOptions = new GuardSiloOptions.ModelSettings { Threads = o.EffectiveThreads, FlashAttention = o.FlashAttention }.ToEngineOptions(demo.Path);
        await using var engine = await LlamaGuardEngine.LoadAsync(engineOptions);
        var local = new EngineSystem(engine, "engine in-process (demo)");

        await using var silo = await BenchSilo.StartAsync(o.EffectiveThreads, o.FlashAttention);
        var title = $"overhead: {o.HttpRequests} single checks on the demo model, HTTP + Orleans vs in-process, alternating";
        if (silo.Unavailable is { } reason)
        {
            return new WorkloadReport(Id, title, local.Name, [], [$"SKIPPED: {reason}"], []);
        }

        var http = silo.System;
        var warmUp = SingleChecksWorkload.Checks(20, o.Seed + 5000);
        await Runner.WarmUpAsync(local, warmUp);
        await Runner.WarmUpAsync(http, warmUp);

        var checks = SingleChecksWorkload.Checks(o.HttpRequests, o.Seed + 5);
        var localResults = new List<CheckResult>(checks.Count);
        var httpResults = new List<CheckResult>(checks.Count);
        for (var i = 0; i < checks.Count; i++)
        {
            if (i % 2 == 0)
            {
                localResults.Add(await local.CheckAsync(checks[i]));
                httpResults.Add(await http.CheckAsync(checks[i]));
            }
            else
            {
                httpResults.Add(await http.CheckAsync(checks[i]));
                localResults.Add(await local.CheckAsync(checks[i]));
            }
        }

        var localRun = new SystemRun(local.Name, localResults);
        var httpRun = new SystemRun(http.Name, httpResults);
        var overhead = httpRun.Median - localRun.Median;
        return new WorkloadReport(
            Id,
            title,
            localRun.System,
            [ReportRow.From(localRun, localRun, localRun), ReportRow.From(httpRun, localRun, localRun)],
            [string.Create(CultureInfo.InvariantCulture, $"overhead per call: +{overhead:0.00} ms median, +{httpRun.P95 - localRun.P95:0.00} ms p95 (HTTP/1.1 keep-alive on loopback, one silo)")],
            [new TargetCheck("HTTP + Orleans overhead (median)", overhead, 2, false, " ms")]);
    }
}
