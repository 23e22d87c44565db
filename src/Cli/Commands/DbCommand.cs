using System.CommandLine;
using GuardCluster.Cli.Hosting;
using GuardCluster.Silo.Storage.Postgres;
using Npgsql;

namespace GuardCluster.Cli.Commands;

/// <summary>
/// <c>guardctl db init</c>: apply the PostgreSQL schema that Orleans' ADO.NET clustering and grain storage need
/// (the same scripts the silo applies with <c>Cluster:PostgresInitSchema=true</c>; idempotent), or print it.
/// </summary>
public static class DbCommand
{
    public static Command Create(CliHost host) => new("db", "PostgreSQL schema for clustering and grain storage") { Init(host) };

    private static Command Init(CliHost host)
    {
        var connection = new Option<string?>("--connection", "-c")
        {
            Description = "Npgsql connection string, e.g. \"Host=db;Database=guard;Username=guard;Password=…\"",
            HelpName = "STRING",
        };
        var clustering = new Option<bool>("--clustering") { Description = "Only the clustering (membership) tables" };
        var storage = new Option<bool>("--storage") { Description = "Only the grain storage table" };
        var print = new Option<bool>("--print") { Description = "Write the SQL to stdout instead of applying it (for psql -f)" };
        var json = CommonOptions.Json();
        var command = new Command("init", "Create or update the tables and stored queries (safe to run again)") { connection, clustering, storage, print, json };
        command.SetAction(async (result, ct) =>
        {
            var onlyClustering = result.GetValue(clustering);
            var onlyStorage = result.GetValue(storage);
            var scripts = new List<string>();
            if (onlyClustering || !onlyStorage)
            {
                scripts.Add(PostgresSchema.ClusteringScript);
            }

            if (onlyStorage || !onlyClustering)
            {
                scripts.Add(PostgresSchema.StorageScript);
            }

            if (result.GetValue(print))
            {
                if (result.GetValue(json))
                {
                    throw CliException.Usage("--print writes SQL; it cannot be combined with --json");
                }

                foreach (var script in scripts)
                {
                    await host.Stdout.WriteLineAsync(PostgresSchema.ReadScript(script)).ConfigureAwait(false);
                }

                return 0;
            }

            var connectionString = result.GetValue(connection);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw CliException.Usage("--connection is required (or use --print)");
            }

            try
            {
                await PostgresSchema.ApplyAsync(connectionString, scripts, ct).ConfigureAwait(false);
            }
            catch (Exception error) when (error is NpgsqlException or ArgumentException)
            {
                throw CliException.Runtime($"could not apply the schema: {error.Message}", error);
            }

            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(host.Stdout, new AppliedSchema(scripts)).ConfigureAwait(false);
            }
            else
            {
                await host.Stdout.WriteLineAsync($"applied {string.Join(", ", scripts)}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
