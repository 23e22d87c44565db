using System.CommandLine;
using System.Globalization;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Admin;

/// <summary>
/// <c>guardctl tenants policy</c>: a tenant's policy through the admin routes <c>/v1/tenants/{id}/policy</c>. The file is
/// sent as-is (the server owns the policy's fields and their validation); <c>--if-version</c> becomes <c>If-Match</c>.
/// </summary>
public static class TenantPolicyCommand
{
    public static Command Create(AdminCommands admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        return new Command("policy", "A tenant's policy: categories, exclusions, threshold, limits, audit") { Show(admin), Set(admin) };
    }

    private static Command Show(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var command = new Command("show", "Show the tenant's policy") { id };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var policy = await client.GetAsync(AdminCommands.TenantPath(result.GetRequiredValue(id), "/policy"), ct).ConfigureAwait(false);
            await WriteAsync(admin.Host, policy, json).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Set(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var file = new Option<string>("--file", "-f")
        {
            Description = "Policy update JSON (as for PUT /v1/policy: present fields replace, absent ones stay), or - for standard input",
            HelpName = "FILE|-",
            Required = true,
        };
        var ifVersion = Commands.CommonOptions.PositiveInt("--if-version", "Apply only if the stored policy is still at this version (sent as If-Match)");
        var command = new Command("set", "Update the tenant's policy from a JSON file and show the result") { id, file, ifVersion };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var body = await InputFiles.ReadTextAsync(result.GetRequiredValue(file), admin.Host.Stdin, ct).ConfigureAwait(false);
            InputFiles.RequireJson(body, "policy file");
            var ifMatch = result.GetValue(ifVersion) is { } v ? $"\"{v.ToString(CultureInfo.InvariantCulture)}\"" : null;
            var policy = await client.PutAsync(AdminCommands.TenantPath(result.GetRequiredValue(id), "/policy"), body, ifMatch, ct).ConfigureAwait(false);
            await WriteAsync(admin.Host, policy, json).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task WriteAsync(CliHost host, AdminResponse policy, bool json)
    {
        if (json)
        {
            await JsonOutput.WriteAsync(host.Stdout, policy.Body).ConfigureAwait(false);
            return;
        }

        JsonLines.Write(host.Stdout, policy.Body);
        await host.Stdout.FlushAsync().ConfigureAwait(false);
    }
}
