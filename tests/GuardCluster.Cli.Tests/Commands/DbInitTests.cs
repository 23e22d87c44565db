using GuardCluster.Cli.Tests.Support;
using GuardCluster.Cluster.Tests.Postgres;
using Npgsql;

namespace GuardCluster.Cli.Tests.Commands;

/// <summary><c>guardctl db init</c> on a real PostgreSQL (the Cluster tests' fixture, linked in).</summary>
public sealed class DbInitTests
{
    [Fact]
    public async Task Db_init_creates_the_orleans_tables_and_can_run_again()
    {
        await using var postgres = await PostgresServer.StartAsync();

        var first = await CliRunner.RunAsync("db", "init", "--connection", postgres.ConnectionString);
        var second = await CliRunner.RunAsync("db", "init", "--connection", postgres.ConnectionString);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("orleans-clustering.sql", first.Stdout, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orleansquery', 'orleansmembershiptable', 'orleansmembershipversiontable', 'orleansstorage')",
            connection);
        Assert.Equal(4L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Db_init_print_writes_the_sql_and_needs_no_database()
    {
        var result = await CliRunner.RunAsync("db", "init", "--storage", "--print");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("CREATE TABLE IF NOT EXISTS OrleansStorage", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("OrleansMembershipTable", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_init_without_a_connection_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("db", "init");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
    }
}
