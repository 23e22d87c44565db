using System.CommandLine;

namespace GuardCluster.Cli.Admin;

/// <summary>
/// <c>--url</c> and <c>--admin-key</c>, shared by every admin command. Defaults come from <c>GUARD_URL</c> and
/// <c>GUARD_ADMIN_KEY</c> so the key need not appear on a command line (shell history, process lists).
/// </summary>
public sealed class AdminConnectionOptions
{
    public const string UrlVariable = "GUARD_URL";
    public const string AdminKeyVariable = "GUARD_ADMIN_KEY";
    public const string DefaultUrl = "http://localhost:8080";

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"Base URL of a GuardCluster API host (default: ${UrlVariable} or {DefaultUrl})",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> AdminKey { get; } = new("--admin-key")
    {
        Description = $"The operator's admin key (default: ${AdminKeyVariable}); never printed",
        HelpName = "KEY",
        Recursive = true,
    };

    public Option<double?> Timeout { get; } = WithRecursive(Commands.CommonOptions.PositiveSeconds("--timeout", "Seconds to wait for each HTTP answer (default 30)"));

    private static Option<double?> WithRecursive(Option<double?> option)
    {
        option.Recursive = true;
        return option;
    }

    public void AddTo(Command command)
    {
        command.Add(Url);
        command.Add(AdminKey);
        command.Add(Timeout);
    }

    /// <summary>The endpoint and key of this invocation; a missing key or a malformed URL is a usage error.</summary>
    public AdminEndpoint Resolve(ParseResult result, Hosting.CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var url = result.GetValue(Url) ?? host.GetEnvironmentVariable(UrlVariable);
        url = string.IsNullOrWhiteSpace(url) ? DefaultUrl : url.Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw Hosting.CliException.Usage($"--url must be an http:// or https:// URL (got '{url}')");
        }

        // A base with a path (https://host/guard) must end in '/', or relative routes would replace its last segment.
        if (!baseUri.AbsolutePath.EndsWith('/'))
        {
            baseUri = new Uri(baseUri.GetLeftPart(UriPartial.Path) + "/");
        }

        var key = result.GetValue(AdminKey) ?? host.GetEnvironmentVariable(AdminKeyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw Hosting.CliException.Usage($"the admin key is required: pass --admin-key or set {AdminKeyVariable}");
        }

        var timeout = TimeSpan.FromSeconds(result.GetValue(Timeout) ?? 30);
        return new AdminEndpoint(baseUri, key.Trim(), timeout);
    }
}
