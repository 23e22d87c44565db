using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuardCluster.Cli.Hosting;

namespace GuardCluster.Cli.Admin;

/// <summary>
/// <c>guardctl tenants limits</c>: the operator's quota for a tenant. <c>set</c> replaces the whole quota, as the API
/// does: limits not named go back to the server default (<c>Guard:Limits</c>).
/// </summary>
public static class TenantLimitsCommand
{
    public static Command Create(AdminCommands admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        return new Command("limits", "A tenant's quota (the most its own limits may be)") { Show(admin), Set(admin) };
    }

    private static Command Show(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var command = new Command("show", "Show the tenant's quota per limit, and which are the server default") { id };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var tenant = await client.GetAsync(AdminCommands.TenantPath(result.GetRequiredValue(id)), ct).ConfigureAwait(false);
            await WriteAsync(admin.Host, tenant.Body, json).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Set(AdminCommands admin)
    {
        var id = AdminCommands.TenantId();
        var values = new Argument<string[]>("NAME=VALUE")
        {
            Description = "A limit and its value (an integer, or 'default'), e.g. requests_per_minute=600",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string?>("--file", "-f") { Description = "The limits JSON object to send as-is, or - for standard input", HelpName = "FILE|-" };
        var command = new Command("set", "Replace the tenant's quota; limits not named go back to the server default") { id, values, file };
        command.SetAction((result, ct) => admin.RunAsync(result, async (client, json) =>
        {
            var pairs = result.GetValue(values) ?? [];
            var path = result.GetValue(file);
            if (path is not null && pairs.Length > 0)
            {
                throw CliException.Usage("give either NAME=VALUE pairs or --file, not both");
            }

            string body;
            if (path is not null)
            {
                body = await InputFiles.ReadTextAsync(path, admin.Host.Stdin, ct).ConfigureAwait(false);
                InputFiles.RequireJson(body, "limits file");
            }
            else
            {
                body = BuildBody(pairs);
            }

            var tenant = await client.PutAsync(AdminCommands.TenantPath(result.GetRequiredValue(id), "/limits"), body, null, ct).ConfigureAwait(false);
            await WriteAsync(admin.Host, tenant.Body, json).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary><c>name=600 other=default</c> → <c>{"name":600,"other":null}</c>; the server checks names and ranges.</summary>
    public static string BuildBody(IEnumerable<string> pairs)
    {
        var body = new JsonObject();
        foreach (var pair in pairs)
        {
            var split = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (split.Length != 2 || split[0].Length == 0)
            {
                throw CliException.Usage($"expected NAME=VALUE, e.g. requests_per_minute=600 (got '{pair}')");
            }

            if (body.ContainsKey(split[0]))
            {
                throw CliException.Usage($"limit '{split[0]}' is given twice");
            }

            body[split[0]] = split[1].Equals("default", StringComparison.OrdinalIgnoreCase)
                ? null
                : long.TryParse(split[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                    ? JsonValue.Create(n)
                    : throw CliException.Usage($"limit '{split[0]}' must be an integer or 'default' (got '{split[1]}')");
        }

        return body.ToJsonString();
    }

    /// <summary>The tenant document's <c>limits</c> object: as JSON, or as a table.</summary>
    private static async Task WriteAsync(CliHost host, JsonElement tenant, bool json)
    {
        var limits = tenant.TryGetProperty("limits", out var l) ? l : default;
        if (json)
        {
            await JsonOutput.WriteAsync(host.Stdout, limits).ConfigureAwait(false);
            return;
        }

        await WriteTableAsync(host.Stdout, limits).ConfigureAwait(false);
    }

    /// <summary><c>{"name":{"value":600,"is_default":true}}</c> as aligned <c>name  value  (server default)</c> rows.</summary>
    public static async Task WriteTableAsync(TextWriter stdout, JsonElement limits)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (limits.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var rows = limits.EnumerateObject().ToList();
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length);
        foreach (var row in rows)
        {
            var value = row.Value.ValueKind == JsonValueKind.Object && row.Value.TryGetProperty("value", out var v) ? JsonLines.Scalar(v) : JsonLines.Scalar(row.Value);
            var isDefault = row.Value.ValueKind == JsonValueKind.Object && row.Value.TryGetProperty("is_default", out var d) && d.ValueKind == JsonValueKind.True;
            await stdout.WriteLineAsync($"  {row.Name.PadRight(width)}  {value}{(isDefault ? "  (server default)" : "")}").ConfigureAwait(false);
        }
    }
}
