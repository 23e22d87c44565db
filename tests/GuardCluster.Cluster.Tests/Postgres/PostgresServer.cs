using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GuardCluster.Cluster.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL database for tests. If <c>GUARD_TEST_POSTGRES</c> holds a connection string (.ci/run
/// starts one server on loopback and exports it), a fresh database is created on that server and dropped at the
/// end. Otherwise this starts its own server: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a free
/// loopback port with its Unix socket in that folder, stopped at the end by the postmaster's own pid. As root
/// (PostgreSQL refuses to run as root) the server runs as the <c>postgres</c> user via <c>runuser</c>.
/// PostgreSQL binaries missing is a test failure with a clear message, never a skip: CI installs them.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "GUARD_TEST_POSTGRES";

    private readonly string? _adminConnectionString;
    private readonly string? _folder;
    private readonly int? _postmasterPid;

    private PostgresServer(string connectionString, string? adminConnectionString, string? folder, int? postmasterPid)
    {
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _folder = folder;
        _postmasterPid = postmasterPid;
    }

    /// <summary>Npgsql connection string of a database no other test uses.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var shared = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(shared) ? await StartOwnServerAsync() : await CreateDatabaseAsync(shared, null, null);
    }

    /// <summary>The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c> (newest version under /usr/lib/postgresql).</summary>
    public static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var folder = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return folder ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries not found under {root}/<version>/bin (apt-get install postgresql; .ci/run installs it), " +
            $"and {EnvironmentVariable} is not set.");
    }

    private static async Task<PostgresServer> StartOwnServerAsync()
    {
        var bin = FindBinaries();
        var folder = Directory.CreateTempSubdirectory("guard-pg-").FullName;
        var data = Path.Combine(folder, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", folder], asPostgres: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "guard", "-E", "UTF8", "--no-sync", "--no-instructions"], asRoot);
        var port = FreePort();
        var settings = string.Join(' ',
            $"-p {port.ToString(CultureInfo.InvariantCulture)}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={folder}",
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "-c max_connections=200 -c shared_buffers=32MB");
        try
        {
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["start", "-D", data, "-w", "-t", "60", "-l", Path.Combine(folder, "server.log"), "-o", settings], asRoot);
        }
        catch (InvalidOperationException error)
        {
            var log = File.Exists(Path.Combine(folder, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "server.log")) : "";
            Directory.Delete(folder, recursive: true);
            throw new InvalidOperationException($"{error.Message}\n{log}", error);
        }

        // First line of postmaster.pid: the server's pid, which Dispose stops (and nothing else).
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(data, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "guard",
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
        return await CreateDatabaseAsync(admin, folder, pid);
    }

    private static async Task<PostgresServer> CreateDatabaseAsync(string serverConnectionString, string? folder, int? pid)
    {
        var admin = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false };
        var name = "guard_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var database = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = true, Timezone = "UTC" };
        return new PostgresServer(database.ConnectionString, admin.ConnectionString, folder, pid);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postmasterPid is { } pid)
        {
            // SIGINT = PostgreSQL's fast shutdown; wait (bounded) for that pid to exit, then SIGKILL it if still there.
            await RunAsync("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)], asPostgres: false, check: false);
            for (var i = 0; i < 200 && IsRunning(pid); i++)
            {
                await Task.Delay(50);
            }

            if (IsRunning(pid))
            {
                await RunAsync("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)], asPostgres: false, check: false);
            }

            if (_folder is not null)
            {
                Directory.Delete(_folder, recursive: true);
            }

            return;
        }

        // Shared server: drop only our database.
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres, bool check = true)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
