using System.Diagnostics;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// Tokens each tenant fed the engine recently (exponentially decayed, half-life <see cref="HalfLife"/>). A tenant
/// using more than an equal share of the recent total is "heavy" while others are active: its prompt tokens then get
/// only a small part of each step. Scheduler thread only.
/// </summary>
internal sealed class TenantUsage
{
    public static readonly TimeSpan HalfLife = TimeSpan.FromSeconds(2);

    // Below this a tenant no longer counts as recently active.
    private const double ActiveThreshold = 8;

    private readonly Dictionary<string, double> _tokens = new(StringComparer.Ordinal);
    private long _updatedAt = Stopwatch.GetTimestamp();

    /// <summary>Adds this step's tokens per tenant after decaying everything to now.</summary>
    public void Record(Dictionary<string, int> stepTokens)
    {
        Decay();
        foreach (var (tenant, tokens) in stepTokens)
        {
            _tokens[tenant] = _tokens.GetValueOrDefault(tenant) + tokens;
        }
    }

    /// <summary>Tenants using more than an equal share while at least one other tenant is recently active; empty otherwise.</summary>
    public HashSet<string> HeavyTenants(IEnumerable<string> present)
    {
        Decay();
        var recent = new HashSet<string>(_tokens.Where(p => p.Value >= ActiveThreshold).Select(p => p.Key), StringComparer.Ordinal);
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
