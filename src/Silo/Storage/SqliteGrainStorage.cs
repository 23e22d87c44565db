using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace GuardCluster.Silo.Storage;

/// <summary>
/// Durable single-machine grain storage on one SQLite file (WAL mode). State is written with Orleans'
/// version-tolerant serializer; an etag per row gives the optimistic concurrency Orleans expects, so two
/// activations of one grain (e.g. during a silo failure) cannot silently overwrite each other.
/// Every connection runs with the same durability settings: private cache (no shared-cache mode, whose table
/// locks bypass the busy timeout) and <c>synchronous = FULL</c>, set on each connection because the setting is
/// per connection (only <c>journal_mode = WAL</c> persists in the file).
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _connectionString;
    private readonly Serializer _serializer;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    public SqliteGrainStorage(string databasePath, Serializer serializer)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
        }.ToString();
        _serializer = serializer;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            var payload = (byte[])reader["payload"];
            grainState.State = _serializer.Deserialize<T>(payload);
            grainState.ETag = reader.GetString(0);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.SerializeToArray(grainState.State);
        var newEtag = Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        if (grainState.ETag is null)
        {
            // First write: must not exist yet.
            command.CommandText = """
                INSERT INTO grain_state (state_name, grain_id, etag, payload, updated_at)
                VALUES ($name, $id, $etag, $payload, $now)
                ON CONFLICT(state_name, grain_id) DO NOTHING
                """;
        }
        else
        {
            command.CommandText = """
                UPDATE grain_state SET etag = $etag, payload = $payload, updated_at = $now
                WHERE state_name = $name AND grain_id = $id AND etag = $expected
                """;
            command.Parameters.AddWithValue("$expected", grainState.ETag);
        }

        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$etag", newEtag);
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException(
                $"Stored state of {grainId} ({stateName}) changed since it was read.", "unknown", grainState.ETag ?? "none");
        }

        grainState.ETag = newEtag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        await command.ExecuteNonQueryAsync();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    internal async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync();
            if (!_initialized)
            {
                await InitializeAsync(connection);
            }

            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = FULL;";
            await pragma.ExecuteNonQueryAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(SqliteConnection connection)
    {
        await _initGate.WaitAsync();
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS grain_state (
                    state_name TEXT NOT NULL,
                    grain_id   TEXT NOT NULL,
                    etag       TEXT NOT NULL,
                    payload    BLOB NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (state_name, grain_id)
                );
                """;
            await command.ExecuteNonQueryAsync();
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }
}
