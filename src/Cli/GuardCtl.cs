using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using GuardCluster.Cli.Admin;
using GuardCluster.Cli.Commands;
using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Libraries;

namespace GuardCluster.Cli;

/// <summary>
/// The whole CLI behind one call, so tests run commands in-process. Exit codes: 0 ok, 1 runtime failure,
/// 2 usage or input error, 130 cancelled. Every failure is one <c>error:</c> line on stderr.
/// </summary>
public static class GuardCtl
{
    public static Task<int> InvokeAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin) =>
        InvokeAsync(args, new CliHost(stdout, stderr, stdin, new GuardLibraries()));

    public static async Task<int> InvokeAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        try
        {
            var parse = BuildRoot(host).Parse(args);

            // Our own one-line report instead of System.CommandLine's errors-plus-full-help block.
            if (parse.Action is ParseErrorAction)
            {
                var messages = string.Join("; ", parse.Errors.Select(e => e.Message));
                await host.Stderr.WriteLineAsync($"error: {messages} (see '{CommandPath(parse)} --help')").ConfigureAwait(false);
                return CliException.UsageExitCode;
            }

            var configuration = new InvocationConfiguration
            {
                Output = host.Stdout,
                Error = host.Stderr,
                EnableDefaultExceptionHandler = false, // ErrorReporter: one line, no stack trace
                ProcessTerminationTimeout = null,      // Program.cs owns Ctrl+C and passes the token in
            };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(ex, host.Stderr);
        }
    }

    public static RootCommand BuildRoot(CliHost host)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log engine activity to stderr", Recursive = true };
        var eval = EvalCommand.Create(host, verbose);
        var root = new RootCommand("guardctl: prompts, classification, evaluation, model files, database schema and cluster administration for GuardCluster (Llama Guard 3)")
        {
            verbose,
            PromptCommand.Create(host, verbose),
            ClassifyCommand.Create(host, verbose),
            eval,
            ModelCommand.Create(host),
            DbCommand.Create(host),
            TenantsCommand.Create(host),
        };
        HelpWithNotes.Install(root, new Dictionary<Command, string> { [eval] = EvalCommand.Notes });
        return root;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c; r = c.Parent)
        {
            names.Add(c.Parent is null ? "guardctl" : c.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
