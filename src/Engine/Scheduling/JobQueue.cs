using System.Collections.Concurrent;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Jobs waiting for the scheduler, one FIFO per tenant. Callers add from any thread, bounded in total and per
/// tenant (one tenant cannot fill the queue for everyone; jobs with no tenant id count only against the total); the scheduler thread moves them into its per-tenant
/// lists and picks from them fairly. A job cancelled while it waits leaves at the scheduler's next look.
/// </summary>
internal sealed class JobQueue(int capacity, int perTenantCapacity)
{
    private readonly ConcurrentQueue<SequenceJob> _incoming = new();
    private readonly ConcurrentDictionary<string, int> _waitingByTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SequenceJob>> _byTenant = new(StringComparer.Ordinal);
    private int _waiting;

    /// <summary>Jobs waiting now (all tenants).</summary>
    public int Count => Volatile.Read(ref _waiting);

    /// <summary>Adds a job, or says why not (the queue or the tenant's share of it is full).</summary>
    public bool TryAdd(SequenceJob job, out string? refusal)
    {
        if (Interlocked.Increment(ref _waiting) > capacity)
        {
            Interlocked.Decrement(ref _waiting);
            refusal = $"The inference queue is full ({capacity} waiting requests); retry later.";
            return false;
        }

        // Jobs without a tenant come from trusted in-process callers (a single-tenant host, tools): only the total bounds them.
        if (_waitingByTenant.AddOrUpdate(job.Tenant, 1, (_, n) => n + 1) > perTenantCapacity && job.Tenant.Length > 0)
        {
            Release(job.Tenant);
            refusal = $"Too many requests of this tenant are waiting ({perTenantCapacity}); retry later.";
            return false;
        }

        _incoming.Enqueue(job);
        refusal = null;
        return true;
    }

    /// <summary>Scheduler thread: takes newly added jobs and drops the ones that finished while waiting (cancelled).</summary>
    public void Refresh()
    {
        while (_incoming.TryDequeue(out var job))
        {
            if (!_byTenant.TryGetValue(job.Tenant, out var list))
            {
                _byTenant[job.Tenant] = list = [];
            }

            list.Add(job);
        }

        foreach (var (tenant, list) in _byTenant)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i].IsFinished)
                {
                    list.RemoveAt(i);
                    Release(tenant);
                }
            }
        }

        foreach (var empty in _byTenant.Where(p => p.Value.Count == 0).Select(p => p.Key).ToArray())
        {
            _byTenant.Remove(empty);
        }
    }

    /// <summary>Scheduler thread: tenants with waiting jobs and their jobs in arrival order.</summary>
    public IReadOnlyDictionary<string, List<SequenceJob>> ByTenant => _byTenant;

    /// <summary>Scheduler thread: the job leaves the queue (admitted or refused).</summary>
    public void Remove(SequenceJob job)
    {
        if (_byTenant.TryGetValue(job.Tenant, out var list) && list.Remove(job))
        {
            Release(job.Tenant);
            if (list.Count == 0)
            {
                _byTenant.Remove(job.Tenant);
            }
        }
    }

    /// <summary>Scheduler thread, when stopping or failed: every waiting job, removed from the queue.</summary>
    public List<SequenceJob> TakeAll()
    {
        Refresh();
        var all = _byTenant.Values.SelectMany(l => l).ToList();
        foreach (var job in all)
        {
            Remove(job);
        }

        while (_incoming.TryDequeue(out var late))
        {
            all.Add(late);
            Release(late.Tenant);
        }

        return all;
    }

    private void Release(string tenant)
    {
        Interlocked.Decrement(ref _waiting);
        while (true)
        {
            var n = _waitingByTenant.GetValueOrDefault(tenant);
            if (n == 0)
            {
                return;
            }

            if (n <= 1 ? _waitingByTenant.TryRemove(new KeyValuePair<string, int>(tenant, n)) : _waitingByTenant.TryUpdate(tenant, n - 1, n))
            {
                return;
            }
        }
    }
}
