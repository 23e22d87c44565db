using System.Reflection;
using Npgsql;

namespace GuardCluster.Silo.Storage.Postgres;

/// <summary>
/// The PostgreSQL tables and stored queries that Orleans' ADO.NET clustering and grain storage read (the
/// packages carry no SQL). Both scripts are idempotent (<c>CREATE TABLE IF NOT EXISTS</c>, queries upserted by
/// key) and run in one transaction under an advisory lock, so silos starting together apply them once each
/// without racing.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The ADO.NET invariant name Orleans maps to Npgsql.</summary>
    public const string Invariant = "Npgsql";

    public const string ClusteringScript = "orleans-clustering.sql";

    public const string StorageScript = "orleans-storage.sql";

    // Arbitrary but fixed: every GuardCluster process takes the same lock while applying the schema.
    private const long AdvisoryLockKey = 0x4775617264_5047; // "Guard" "PG"

    /// <summary>The text of one embedded script (<see cref="ClusteringScript"/> or <see cref="StorageScript"/>).</summary>
    public static string ReadScript(string name)
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var resource = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("." + name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Embedded script '{name}' is missing from {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Applies the named scripts to the database in one transaction.</summary>
    public static async Task ApplyAsync(string connectionString, IEnumerable<string> scripts, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(scripts);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var script in scripts.Distinct(StringComparer.Ordinal))
        {
            // Raw SQL with no parameters: the @names inside the stored query texts are string literals here.
            await using var command = new NpgsqlCommand(ReadScript(script), connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
