using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GuardCluster.Silo.Storage.Postgres;

/// <summary>
/// Applies the PostgreSQL schema before the Orleans silo starts (registered ahead of <c>UseOrleans</c>, and the
/// host starts hosted services in order), when <c>Cluster:PostgresInitSchema</c> is true. A failure stops the
/// silo with one line naming the database (never the password).
/// </summary>
internal sealed class PostgresSchemaInitializer(IReadOnlyList<(string ConnectionString, string Script)> targets) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var group in targets.GroupBy(t => t.ConnectionString, StringComparer.Ordinal))
        {
            try
            {
                await PostgresSchema.ApplyAsync(group.Key, group.Select(t => t.Script), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is NpgsqlException or ArgumentException)
            {
                var where = new NpgsqlConnectionStringBuilder(group.Key);
                throw new InvalidOperationException(
                    $"Cluster:PostgresInitSchema: could not apply the schema to {where.Host}:{where.Port}/{where.Database}: {error.Message}", error);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
