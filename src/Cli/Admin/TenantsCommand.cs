using System.CommandLine;
using System.Text.Json;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Admin;

/// <summary>
/// <c>guardctl tenants</c>: manage a running cluster's tenants through its HTTP API with the admin key.
/// Human output is a few lines; <c>--json</c> prints the server's JSON.
/// </summary>
public static class TenantsCommand
{
    private const int MaxListPages = 10_000;

    public static Command Create(CliHost host)
    {
        var admin = new AdminCommands(host);
        var command = new Command("tenants", "Manage a running cluster's tenants, keys, limits and policies (admin key)")
        {
            admin.Json,
            CreateTenant(admin),
            List(admin),
            Show(admin),
            Delete(admin),
            TenantKeysCommand.Create(admin),
            TenantLimitsCommand.Create(admin),
            TenantPolicyCommand.Create(admin),
        };
        admin.Connection.AddTo(command);
        return command;
    }

    private static Command CreateTenant(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var command = new Command("create", "Create a tenant and print its first API key (shown once)") { id };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = result.GetRequiredValue(id) });
            var created = await client.PostAsync("v1/tenants", body, ct).ConfigureAwait(false);
            await WriteKeyAsync(admin.Host, created.Body, json, "created tenant").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command List(AdminCommands admin)
    {
        var command = new Command("list", "List every tenant (id and creation time), following the API's pages");
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var tenants = new List<TenantListEntry>();
            string? cursor = null;

            // Bounded: each page moves the cursor forward; a server that repeats a cursor cannot loop us.
            for (var page = 0; page < MaxListPages; page++)
            {
                var path = "v1/tenants?limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                var body = (await client.GetAsync(path, ct).ConfigureAwait(false)).Body;
                foreach (var item in body.GetProperty("data").EnumerateArray())
                {
                    tenants.Add(new TenantListEntry(item.GetProperty("id").GetString() ?? "", item.GetProperty("created_at").GetString() ?? ""));
                }

                var next = body.TryGetProperty("next_cursor", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                if (next is null || next == cursor)
                {
                    break;
                }

                cursor = next;
            }

            if (json)
            {
                await JsonOutput.WriteAsync(admin.Host.Stdout, new TenantList(tenants, tenants.Count)).ConfigureAwait(false);
                return;
            }

            foreach (var tenant in tenants)
            {
                await admin.Host.Stdout.WriteLineAsync($"{tenant.Id}\t{tenant.CreatedAt}").ConfigureAwait(false);
            }

            await admin.Host.Stdout.WriteLineAsync($"{tenants.Count} tenant(s)").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Show(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var command = new Command("show", "Show a tenant: creation time, policy version, key count and limits") { id };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var tenant = await client.GetAsync(AdminCommands.TenantPath(result.GetRequiredValue(id)), ct).ConfigureAwait(false);
            if (json)
            {
                await JsonOutput.WriteAsync(admin.Host.Stdout, tenant.Body).ConfigureAwait(false);
                return;
            }

            var stdout = admin.Host.Stdout;
            foreach (var property in tenant.Body.EnumerateObject().Where(p => p.Name != "limits"))
            {
                await stdout.WriteLineAsync($"{property.Name}: {JsonLines.Scalar(property.Value)}").ConfigureAwait(false);
            }

            if (tenant.Body.TryGetProperty("limits", out var limits))
            {
                await stdout.WriteLineAsync("limits:").ConfigureAwait(false);
                await TenantLimitsCommand.WriteTableAsync(stdout, limits).ConfigureAwait(false);
            }
        }));
        return command;
    }

    private static Command Delete(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var command = new Command("delete", "Delete a tenant with its keys, policy, conversations and audit records") { id };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var tenant = result.GetRequiredValue(id);
            await client.DeleteAsync(AdminCommands.TenantPath(tenant), ct).ConfigureAwait(false);
            if (json)
            {
                await JsonOutput.WriteAsync(admin.Host.Stdout, new DeletedTenant(tenant, Deleted: true)).ConfigureAwait(false);
            }
            else
            {
                await admin.Host.Stdout.WriteLineAsync($"deleted tenant {tenant}").ConfigureAwait(false);
            }
        }));
        return command;
    }

    /// <summary>A new key, said clearly to be shown once (create and rotate answer <c>{"id","api_key"}</c>).</summary>
    public static async Task WriteKeyAsync(CliHost host, JsonElement body, bool json, string verb)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (json)
        {
            await JsonOutput.WriteAsync(host.Stdout, body).ConfigureAwait(false);
            return;
        }

        var id = body.TryGetProperty("id", out var i) ? i.GetString() : "?";
        var key = body.TryGetProperty("api_key", out var k) ? k.GetString() : null;
        await host.Stdout.WriteLineAsync($"{verb} {id}").ConfigureAwait(false);
        await host.Stdout.WriteLineAsync($"api key: {key}").ConfigureAwait(false);
        await host.Stdout.WriteLineAsync("(shown only once: store it now; the cluster keeps only its hash)").ConfigureAwait(false);
    }
}

/// <summary><c>tenants delete --json</c>: the server answers 204 with no body, so the CLI says what it did.</summary>
public sealed record DeletedTenant(string Id, bool Deleted);

/// <summary>One line of <c>tenants list</c>.</summary>
public sealed record TenantListEntry(string Id, string CreatedAt);

/// <summary><c>tenants list --json</c>: every page joined.</summary>
public sealed record TenantList(IReadOnlyList<TenantListEntry> Data, int Total);
