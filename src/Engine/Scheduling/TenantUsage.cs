using System.Diagnostics;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Tokens each tenant fed the engine recently (exponentially decayed, half-life <see cref="HalfLife"/>). A tenant
/// using more than an equal share of the recent total is "heavy" while others are active: its prompt tokens then get
/// only a small part of each step. A tenant counts as active while it has work in the engine and for
/// <see cref="RecentWindow"/> after its last tokens (a tenant sending one check at a time stays active between its
/// checks; one that has left stops holding the others back within that window). Scheduler thread only.
/// </summary>
internal sealed class TenantUsage
{
    public static readonly TimeSpan HalfLife = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, double> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private long _updatedAt = Stopwatch.GetTimestamp();

    /// <summary>Adds this step's tokens per tenant after decaying everything to now.</summary>
    public void Record(Dictionary<string, int> stepTokens)
    {
        Decay();
        var now = Stopwatch.GetTimestamp();
        foreach (var (tenant, tokens) in stepTokens)
        {
            _tokens[tenant] = _tokens.GetValueOrDefault(tenant) + tokens;
            _lastSeen[tenant] = now;
        }
    }

    /// <summary>Tenants using more than an equal share while at least one other tenant is recently active; empty otherwise.</summary>
    public HashSet<string> HeavyTenants(IEnumerable<string> present)
    {
        Decay();
        var now = Stopwatch.GetTimestamp();
        foreach (var gone in _lastSeen.Where(p => Stopwatch.GetElapsedTime(p.Value, now) > RecentWindow).Select(p => p.Key).ToArray())
        {
            _lastSeen.Remove(gone);
        }

        var recent = new HashSet<string>(_lastSeen.Keys, StringComparer.Ordinal);
        recent.UnionWith(present);
        var heavy = new HashSet<string>(StringComparer.Ordinal);
        if (recent.Count < 2)
        {
            return heavy;
        }

        var total = recent.Sum(t => _tokens.GetValueOrDefault(t));
        foreach (var tenant in recent)
        {
            if (_tokens.GetValueOrDefault(tenant) > total / recent.Count)
            {
                heavy.Add(tenant);
            }
        }

        return heavy;
    }

    private void Decay()
    {
        var now = Stopwatch.GetTimestamp();
        var factor = Math.Pow(0.5, Stopwatch.GetElapsedTime(_updatedAt, now) / HalfLife);
        _updatedAt = now;
        foreach (var tenant in _tokens.Keys.ToArray())
        {
            var value = _tokens[tenant] * factor;
            if (value < 0.5)
            {
                _tokens.Remove(tenant);
            }
            else
            {
                _tokens[tenant] = value;
            }
        }
    }
}
