using System.CommandLine;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Admin;

/// <summary>What every admin command shares: the connection options, the <c>--json</c> switch and the tenant id argument.</summary>
public sealed class AdminCommands(CliHost host)
{
    public CliHost Host { get; } = host;

    public AdminConnectionOptions Connection { get; } = new();

    public Option<bool> Json { get; } = new("--json") { Description = "Print the server's JSON answer (shapes in docs/cli.md)", Recursive = true };

    public static Argument<string> TenantId() => new("TENANT") { Description = "Tenant id" };

    /// <summary>The tenant id as one URL path segment (the server validates it; escaping keeps a typo from changing the route).</summary>
    public static string TenantPath(string id, string suffix = "") => $"v1/tenants/{Uri.EscapeDataString(id)}{suffix}";

    public async Task<int> RunAsync(ParseResult result, Func<GuardAdminClient, bool, Task> work)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(work);
        using var client = new GuardAdminClient(Connection.Resolve(result, Host));
        await work(client, result.GetValue(Json)).ConfigureAwait(false);
        return 0;
    }
}
