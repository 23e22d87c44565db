using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;

namespace GuardCluster.Grains;

/// <summary>
/// Every tenant's id and creation time, persisted as one sorted list (about 50 bytes a tenant). It is touched when a
/// tenant is created, deleted or first activated, and when an admin lists tenants; never on a classify call.
/// </summary>
public sealed class TenantRegistryGrain(
    [PersistentState("tenant-registry", GuardStorage.Name)] IPersistentState<TenantRegistryState> state) : Grain, ITenantRegistryGrain
{
    private List<TenantEntry> Entries => state.State.Entries;

    public async Task AddAsync(string tenantId, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var index = Find(tenantId);
        if (index >= 0)
        {
            return;
        }

        Entries.Insert(~index, new TenantEntry(tenantId, createdAt));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Entries.RemoveAt(~index);
            throw;
        }
    }

    public async Task RemoveAsync(string tenantId)
    {
        var index = Find(tenantId);
        if (index < 0)
        {
            return;
        }

        var removed = Entries[index];
        Entries.RemoveAt(index);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Entries.Insert(index, removed);
            throw;
        }
    }

    public Task<TenantPage> ListAsync(int limit, string? after)
    {
        var start = 0;
        if (after is not null)
        {
            var index = Find(after);
            start = index >= 0 ? index + 1 : ~index;
        }

        var items = Entries.Skip(start).Take(Math.Max(1, limit)).ToList();
        var next = start + items.Count < Entries.Count && items.Count > 0 ? items[^1].Id : null;
        return Task.FromResult(new TenantPage(items, next, Entries.Count));
    }

    /// <summary>Binary search by id: the index, or the complement of where it would go.</summary>
    private int Find(string tenantId)
    {
        int lo = 0, hi = Entries.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var cmp = string.CompareOrdinal(Entries[mid].Id, tenantId);
            if (cmp == 0)
            {
                return mid;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
