using GuardCluster.Cli;
using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Libraries;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C cancels cleanly (a download keeps its .part); a second one kills the process.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

var host = new CliHost(
    Console.Out,
    Console.Error,
    Console.In,
    new GuardLibraries(),
    Interactive: !Console.IsOutputRedirected && !Console.IsErrorRedirected);
return await GuardCtl.InvokeAsync(args, host, cancellation.Token).ConfigureAwait(false);
