using System.Globalization;
using System.Text;
using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;

namespace GuardCluster.Grains;

/// <summary>
/// One tenant incarnation's conversations (key: <c>tenant~incarnation</c>), persisted like the other grains. It
/// is touched only when a conversation is created or deleted, when the tenant lists its conversations, and when
/// the tenant is deleted; never on a turn of an existing conversation. Each change rewrites the whole list
/// (about 60 bytes per conversation), which <c>max_conversations</c> keeps bounded.
/// </summary>
public sealed class ConversationIndexGrain(
    [PersistentState("conversation-index", GuardStorage.Name)] IPersistentState<ConversationIndexState> state) : Grain, IConversationIndexGrain
{
    private const int PurgeParallelism = 16;

    private static readonly Comparison<ConversationEntry> NewestFirst = (a, b) =>
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    };

    private List<ConversationEntry> Entries => state.State.Entries;

    public async Task ReserveAsync(string conversationId, DateTimeOffset createdAt, int maxConversations)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        if (Contains(conversationId))
        {
            return;
        }

        // Internal callers that pass no quota (0) have no tenant to check either.
        if (maxConversations > 0 && Entries.Count == 0 && !state.RecordExists)
        {
            await EnsureTenantExistsAsync();
        }

        if (maxConversations > 0 && Entries.Count >= maxConversations)
        {
            throw new GuardRejectedException(
                GuardErrorCodes.QuotaExceeded,
                $"This tenant has {Entries.Count} conversations, its quota is {maxConversations}; delete some (DELETE /v1/conversations/{{id}}) first.",
                null,
                RejectionKind.QuotaExceeded);
        }

        await AddAsync(new ConversationEntry(conversationId, createdAt));
    }

    public async Task AdoptAsync(string conversationId, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        if (!Contains(conversationId))
        {
            await AddAsync(new ConversationEntry(conversationId, createdAt));
        }
    }

    public async Task RemoveAsync(string conversationId)
    {
        var index = Entries.FindIndex(e => e.Id == conversationId);
        if (index < 0)
        {
            return;
        }

        var removed = Entries[index];
        Entries.RemoveAt(index);
        try
        {
            await WriteOrClearAsync();
        }
        catch
        {
            Entries.Insert(index, removed);
            throw;
        }
    }

    public Task<ConversationPage> ListAsync(int limit, string? cursor)
    {
        var start = 0;
        if (cursor is not null)
        {
            var after = DecodeCursor(cursor);
            start = Entries.FindIndex(e => NewestFirst(e, after) > 0);
            start = start < 0 ? Entries.Count : start;
        }

        var items = Entries.Skip(start).Take(Math.Max(1, limit)).ToList();
        var next = start + items.Count < Entries.Count && items.Count > 0 ? EncodeCursor(items[^1]) : null;
        if (Entries.Count == 0)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(new ConversationPage(items, next, Entries.Count));
    }

    public async Task<int> PurgeAsync()
    {
        var purged = 0;
        try
        {
            foreach (var chunk in Entries.ToArray().Chunk(PurgeParallelism))
            {
                await Task.WhenAll(chunk.Select(e => GrainFactory.GetGrain<IConversationGrain>(ConversationKey.For(this.GetPrimaryKeyString(), e.Id)).PurgeAsync()));
                purged += chunk.Length;
            }
        }
        finally
        {
            // Whatever was deleted leaves the index even when a later chunk failed, so a retry picks up the rest.
            Entries.RemoveRange(0, purged);
            await WriteOrClearAsync();
        }

        DeactivateOnIdle();
        return purged;
    }

    /// <summary>
    /// A first conversation checks that the tenant incarnation still exists, so a create racing a tenant deletion
    /// (through another API host's cached snapshot) cannot leave an index behind the deletion already cleared.
    /// </summary>
    private async Task EnsureTenantExistsAsync()
    {
        var scope = this.GetPrimaryKeyString();
        var tilde = scope.IndexOf('~', StringComparison.Ordinal);
        var tenantId = tilde < 0 ? scope : scope[..tilde];
        var incarnation = tilde < 0 ? string.Empty : scope[(tilde + 1)..];
        var snapshot = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetAsync();
        if (snapshot is null || snapshot.Incarnation != incarnation)
        {
            DeactivateOnIdle();
            throw new GuardRejectedException(GuardErrorCodes.TenantNotFound, $"Tenant '{tenantId}' does not exist.", null, RejectionKind.NotFound);
        }
    }

    private bool Contains(string conversationId) => Entries.Exists(e => e.Id == conversationId);

    private async Task AddAsync(ConversationEntry entry)
    {
        var index = Entries.BinarySearch(entry, Comparer<ConversationEntry>.Create(NewestFirst));
        index = index < 0 ? ~index : index;
        Entries.Insert(index, entry);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Entries.RemoveAt(index);
            throw;
        }
    }

    /// <summary>An empty index is deleted, not stored: a tenant without conversations has no index row.</summary>
    private Task WriteOrClearAsync() => Entries.Count == 0 ? state.ClearStateAsync() : state.WriteStateAsync();

    private static string EncodeCursor(ConversationEntry entry) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{entry.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{entry.Id}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ConversationEntry DecodeCursor(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var ticks = long.Parse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture);
            return new ConversationEntry(text[(colon + 1)..], new DateTimeOffset(ticks, TimeSpan.Zero));
        }
        catch (Exception error) when (error is FormatException or ArgumentException or OverflowException)
        {
            throw new GuardRejectedException(GuardErrorCodes.InvalidCursor, "The cursor is not one this API returned.", "cursor", RejectionKind.Invalid);
        }
    }
}
