using System.CommandLine;

namespace GuardCluster.Cli.Admin;

/// <summary><c>guardctl tenants keys</c>: the API's key operation is rotation (every old key stops working).</summary>
public static class TenantKeysCommand
{
    public static Command Create(AdminCommands admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var id = AdminCommands.TenantId();
        var rotate = new Command("rotate", "Replace every key of the tenant with one new key (printed once); old keys stop working") { id };
        rotate.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var issued = await client.PostAsync(AdminCommands.TenantPath(result.GetRequiredValue(id), "/keys"), null, ct).ConfigureAwait(false);
            await TenantsCommand.WriteKeyAsync(admin.Host, issued.Body, json, "new key for tenant").ConfigureAwait(false);
        }));
        return new Command("keys", "A tenant's API keys") { rotate };
    }
}
