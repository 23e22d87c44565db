using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace GuardCluster.Cli.Hosting;

/// <summary>
/// The standard help, followed by a free-form notes section for commands that need more than a one-line
/// description (System.CommandLine would otherwise repeat a long description in the parent's command list).
/// </summary>
public sealed class HelpWithNotes(HelpAction inner, IReadOnlyDictionary<Command, string> notes) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var code = inner.Invoke(parseResult);
        if (notes.TryGetValue(parseResult.CommandResult.Command, out var text))
        {
            parseResult.InvocationConfiguration.Output.WriteLine(text);
        }

        return code;
    }

    /// <summary>Installs the notes on the root's help option (which all subcommands share).</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, string> notes)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction standard)
        {
            help.Action = new HelpWithNotes(standard, notes);
        }
    }
}
