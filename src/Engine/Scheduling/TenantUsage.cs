using System.Diagnostics;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Which tenants are active, and which of them are "heavy": their work waiting in the engine (prompt tokens still to
/// prefill, queued or admitted) dwarfs the lightest active tenant's. A heavy tenant's prompt tokens then get only a
/// short part of each step (<see cref="EngineOptions.SharedStepTokens"/>) and no part of a step carrying a light
/// tenant's work, so a light tenant's check never waits behind a long step. A tenant counts as active while it has
/// work in the engine and for <see cref="RecentWindow"/> after its last tokens (a tenant sending one check at a time
/// stays active between its checks; one that has left stops holding the others back within that window).
/// <para>
/// Heaviness follows the backlog, not recent token usage: under a usage rule a throttled bulk tenant soon looks light
/// (its share dips), gets one full step, and a light check arriving then waits seconds behind it (the noisy-neighbour
/// benchmark's p95). A backlog does not dip while the bulk work is still there. Scheduler thread only.
/// </para>
/// </summary>
internal sealed class TenantUsage
{
    public static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);

    /// <summary>Notes the tenants that fed tokens in this step.</summary>
    public void Record(Dictionary<string, int> stepTokens)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (tenant, tokens) in stepTokens)
        {
            if (tokens > 0)
            {
                _lastSeen[tenant] = now;
            }
        }
    }

    /// <summary>
    /// Tenants whose backlog is more than twice the lightest active tenant's plus <paramref name="margin"/> tokens, while at
    /// least one other tenant is active; empty otherwise. A tenant active but with nothing waiting has a backlog of 0.
    /// </summary>
    public HashSet<string> HeavyTenants(IReadOnlyDictionary<string, long> backlog, int margin)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        var now = Stopwatch.GetTimestamp();
        foreach (var gone in _lastSeen.Where(p => Stopwatch.GetElapsedTime(p.Value, now) > RecentWindow).Select(p => p.Key).ToArray())
        {
            _lastSeen.Remove(gone);
        }

        var active = new HashSet<string>(_lastSeen.Keys, StringComparer.Ordinal);
        active.UnionWith(backlog.Keys);
        var heavy = new HashSet<string>(StringComparer.Ordinal);
        if (active.Count < 2)
        {
            return heavy;
        }

        var lightest = active.Min(t => backlog.GetValueOrDefault(t));
        foreach (var tenant in active)
        {
            if (backlog.GetValueOrDefault(tenant) > (2 * lightest) + margin)
            {
                heavy.Add(tenant);
            }
        }

        return heavy;
    }
}
