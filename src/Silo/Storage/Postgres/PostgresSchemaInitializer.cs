using Microsoft.Extensions.Hosting;

namespace GuardCluster.Silo.Storage.Postgres;

/// <summary>
/// Applies the PostgreSQL schema before the Orleans silo starts (registered ahead of <c>UseOrleans</c>, and the
/// host starts hosted services in order), when <c>Cluster:PostgresInitSchema</c> is true.
/// </summary>
internal sealed class PostgresSchemaInitializer(IReadOnlyList<(string ConnectionString, string Script)> targets) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var group in targets.GroupBy(t => t.ConnectionString, StringComparer.Ordinal))
        {
            await PostgresSchema.ApplyAsync(group.Key, group.Select(t => t.Script), cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
