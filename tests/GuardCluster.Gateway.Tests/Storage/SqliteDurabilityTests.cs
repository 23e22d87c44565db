using GuardCluster.Silo.Storage;
using Microsoft.Data.Sqlite;

namespace GuardCluster.Gateway.Tests.Storage;

public sealed class SqliteDurabilityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gc-sqlite-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Every_connection_is_private_WAL_and_synchronous_full()
    {
        var storage = new SqliteGrainStorage(Path.Combine(_folder, "guard.db"), serializer: null!);

        // The first connection initializes the file; later ones must get the same settings, not the library defaults.
        for (var i = 0; i < 3; i++)
        {
            await using var connection = await storage.OpenAsync();
            Assert.NotEqual(SqliteCacheMode.Shared, new SqliteConnectionStringBuilder(connection.ConnectionString).Cache);
            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous;")); // 2 = FULL
            Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
