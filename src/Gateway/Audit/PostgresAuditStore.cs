using System.Data.Common;
using System.Text;
using Npgsql;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// The audit log in one PostgreSQL database shared by every API host, so <c>GET /v1/audit</c> on any host sees every
/// host's entries. Same table, index and keyset cursor as <see cref="SqliteAuditStore"/>; a batch is one round trip in
/// one transaction. The table is created on first use (<c>CREATE … IF NOT EXISTS</c>), so a database that is down fails
/// writes (counted by the writer), not the host's start.
/// </summary>
public sealed class PostgresAuditStore : IAuditStore, IAsyncDisposable
{
    private const string Columns = "tenant, incarnation, time_ms, endpoint, conversation_id, message_id, item, verdict, categories, unsafe_probability, policy_version, model, content_sha256, content, expires_ms";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    public PostgresAuditStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await EnsureInitializedAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var e in entries)
        {
            var command = new NpgsqlBatchCommand($"INSERT INTO audit_log ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)");
            command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = e.Tenant });
            command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = e.Incarnation });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Time.ToUnixTimeMilliseconds() });
            command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = e.Endpoint });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.ConversationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.MessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Item ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Verdict });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Categories.Count == 0 ? string.Empty : $",{string.Join(',', e.Categories)}," });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.UnsafeProbability ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = e.PolicyVersion });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Model });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.ContentSha256 });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Content ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.ExpiresAt.ToUnixTimeMilliseconds() });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureInitializedAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT id, {Columns} FROM audit_log WHERE tenant = @tenant AND incarnation = @incarnation");
        command.Parameters.AddWithValue("tenant", query.Tenant);
        command.Parameters.AddWithValue("incarnation", query.Incarnation);
        if (query.From is { } from)
        {
            sql.Append(" AND time_ms >= @from");
            command.Parameters.AddWithValue("from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            sql.Append(" AND time_ms < @to");
            command.Parameters.AddWithValue("to", to.ToUnixTimeMilliseconds());
        }

        if (query.Verdict is { } verdict)
        {
            sql.Append(" AND verdict = @verdict");
            command.Parameters.AddWithValue("verdict", verdict);
        }

        if (query.Category is { } category)
        {
            sql.Append(" AND strpos(categories, @category) > 0");
            command.Parameters.AddWithValue("category", $",{category},");
        }

        if (query.ConversationId is { } conversation)
        {
            sql.Append(" AND conversation_id = @conversation");
            command.Parameters.AddWithValue("conversation", conversation);
        }

        if (query.After is { } after)
        {
            sql.Append(" AND (time_ms, id) < (@afterTime, @afterId)");
            command.Parameters.AddWithValue("afterTime", after.TimeMs);
            command.Parameters.AddWithValue("afterId", after.Id);
        }

        sql.Append(" ORDER BY time_ms DESC, id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit + 1);
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
            next = new AuditCursor(entries[^1].Time.ToUnixTimeMilliseconds(), entries[^1].Id);
        }

        return new AuditPage(entries, next);
    }

    public async Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("DELETE FROM audit_log WHERE expires_ms <= @now");
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> DeleteTenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("DELETE FROM audit_log WHERE tenant = @tenant");
        command.Parameters.AddWithValue("tenant", tenant);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _initGate.Dispose();
        return _dataSource.DisposeAsync();
    }

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

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var command = _dataSource.CreateCommand("""
                CREATE TABLE IF NOT EXISTS audit_log (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tenant TEXT NOT NULL,
                    incarnation TEXT NOT NULL,
                    time_ms BIGINT NOT NULL,
                    endpoint TEXT NOT NULL,
                    conversation_id TEXT NULL,
                    message_id TEXT NULL,
                    item INTEGER NULL,
                    verdict TEXT NOT NULL,
                    categories TEXT NOT NULL,
                    unsafe_probability DOUBLE PRECISION NULL,
                    policy_version INTEGER NOT NULL,
                    model TEXT NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    content TEXT NULL,
                    expires_ms BIGINT NOT NULL);
                CREATE INDEX IF NOT EXISTS audit_log_tenant_time ON audit_log (tenant, incarnation, time_ms DESC, id DESC);
                CREATE INDEX IF NOT EXISTS audit_log_expires ON audit_log (expires_ms);
                """);
            await command.ExecuteNonQueryAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }
}
