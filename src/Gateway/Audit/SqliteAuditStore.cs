using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// The audit log in one SQLite file on this host, with the grain storage's durability settings: WAL, a private cache
/// and <c>synchronous = FULL</c> on every connection. Pages come from an index on (tenant, incarnation, time desc,
/// id desc) with a keyset cursor, so a deep page costs what the first does. The file and its folder are created on
/// first use, so a store that cannot be opened fails its writes (counted by the writer), not the host's start.
/// </summary>
public sealed class SqliteAuditStore : IAuditStore
{
    private readonly string _path;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    public SqliteAuditStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
        }.ToString();
    }

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_log (tenant, incarnation, time_ms, endpoint, conversation_id, message_id, item, verdict,
                categories, unsafe_probability, policy_version, model, content_sha256, content, expires_ms)
            VALUES ($tenant, $incarnation, $time, $endpoint, $conversation, $message, $item, $verdict,
                $categories, $probability, $version, $model, $sha, $content, $expires)
            """;
        var p = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        foreach (var name in new[] { "$tenant", "$incarnation", "$time", "$endpoint", "$conversation", "$message", "$item", "$verdict", "$categories", "$probability", "$version", "$model", "$sha", "$content", "$expires" })
        {
            p[name] = command.Parameters.AddWithValue(name, DBNull.Value);
        }

        foreach (var e in entries)
        {
            p["$tenant"].Value = e.Tenant;
            p["$incarnation"].Value = e.Incarnation;
            p["$time"].Value = e.Time.ToUnixTimeMilliseconds();
            p["$endpoint"].Value = e.Endpoint;
            p["$conversation"].Value = (object?)e.ConversationId ?? DBNull.Value;
            p["$message"].Value = (object?)e.MessageId ?? DBNull.Value;
            p["$item"].Value = (object?)e.Item ?? DBNull.Value;
            p["$verdict"].Value = e.Verdict;
            p["$categories"].Value = JoinCategories(e.Categories);
            p["$probability"].Value = (object?)e.UnsafeProbability ?? DBNull.Value;
            p["$version"].Value = e.PolicyVersion;
            p["$model"].Value = e.Model;
            p["$sha"].Value = e.ContentSha256;
            p["$content"].Value = (object?)e.Content ?? DBNull.Value;
            p["$expires"].Value = e.ExpiresAt.ToUnixTimeMilliseconds();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("""
            SELECT id, tenant, incarnation, time_ms, endpoint, conversation_id, message_id, item, verdict, categories,
                unsafe_probability, policy_version, model, content_sha256, content, expires_ms
            FROM audit_log WHERE tenant = $tenant AND incarnation = $incarnation
            """);
        command.Parameters.AddWithValue("$tenant", query.Tenant);
        command.Parameters.AddWithValue("$incarnation", query.Incarnation);
        if (query.From is { } from)
        {
            sql.Append(" AND time_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            sql.Append(" AND time_ms < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        if (query.Verdict is { } verdict)
        {
            sql.Append(" AND verdict = $verdict");
            command.Parameters.AddWithValue("$verdict", verdict);
        }

        if (query.Category is { } category)
        {
            sql.Append(" AND instr(categories, $category) > 0");
            command.Parameters.AddWithValue("$category", $",{category},");
        }

        if (query.ConversationId is { } conversation)
        {
            sql.Append(" AND conversation_id = $conversation");
            command.Parameters.AddWithValue("$conversation", conversation);
        }

        if (query.After is { } after)
        {
            sql.Append(" AND (time_ms < $afterTime OR (time_ms = $afterTime AND id < $afterId))");
            command.Parameters.AddWithValue("$afterTime", after.TimeMs);
            command.Parameters.AddWithValue("$afterId", after.Id);
        }

        sql.Append(" ORDER BY time_ms DESC, id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var entries = new List<AuditEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(Read(reader));
            }
        }

        AuditCursor? next = null;
        if (entries.Count > query.Limit)
        {
            entries.RemoveAt(entries.Count - 1);
            var last = entries[^1];
            next = new AuditCursor(last.Time.ToUnixTimeMilliseconds(), last.Id);
        }

        return new AuditPage(entries, next);
    }

    public async Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM audit_log WHERE expires_ms <= $now";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> DeleteTenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM audit_log WHERE tenant = $tenant";
        command.Parameters.AddWithValue("$tenant", tenant);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>",S1,S10," (or "" for none): a code is found with instr(",S1,"), never as a prefix of another code.</summary>
    private static string JoinCategories(IReadOnlyList<string> codes) => codes.Count == 0 ? string.Empty : $",{string.Join(',', codes)},";

    private static AuditEntry Read(DbDataReader r)
    {
        var categories = r.GetString(9);
        return new AuditEntry(
            r.GetString(1),
            r.GetString(2),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
            r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : r.GetInt32(7),
            r.GetString(8),
            categories.Length == 0 ? [] : categories.Trim(',').Split(','),
            r.IsDBNull(10) ? null : r.GetDouble(10),
            r.GetInt32(11),
            r.GetString(12),
            r.GetString(13),
            r.IsDBNull(14) ? null : r.GetString(14),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(15)))
        {
            Id = r.GetInt64(0),
        };
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = FULL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant TEXT NOT NULL,
                    incarnation TEXT NOT NULL,
                    time_ms INTEGER NOT NULL,
                    endpoint TEXT NOT NULL,
                    conversation_id TEXT NULL,
                    message_id TEXT NULL,
                    item INTEGER NULL,
                    verdict TEXT NOT NULL,
                    categories TEXT NOT NULL,
                    unsafe_probability REAL NULL,
                    policy_version INTEGER NOT NULL,
                    model TEXT NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    content TEXT NULL,
                    expires_ms INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS audit_log_tenant_time ON audit_log (tenant, incarnation, time_ms DESC, id DESC);
                CREATE INDEX IF NOT EXISTS audit_log_expires ON audit_log (expires_ms);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }
}
