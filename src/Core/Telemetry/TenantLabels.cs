namespace GuardCluster.Core.Telemetry;

/// <summary>
/// Caps the cardinality of the <c>tenant</c> label: at most <see cref="Limit"/> tenants get a label of their own, the
/// ones with the most volume (calls counted since the process started); every other tenant is reported as
/// <see cref="Other"/>. A tenant joins the labelled set while it has room; once it is full, a tenant takes the place of
/// the smallest labelled tenant when its volume is at least twice that tenant's (the margin stops two tenants of
/// similar volume from swapping on every call). A tenant that drops out keeps its old series, which stop growing.
/// Thread-safe.
/// </summary>
public sealed class TenantLabels
{
    /// <summary>Tenants outside the labelled set. Not a valid tenant id (ids start with a letter or digit).</summary>
    public const string Other = "_other";

    /// <summary>Requests without a tenant: admin calls, health probes, unauthenticated requests.</summary>
    public const string None = "_none";

    // Volumes are tracked for this many tenants at most, so made-up tenant ids cannot grow the table without bound.
    private const int TrackedPerLabel = 50;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _volume = new(StringComparer.Ordinal);
    private readonly HashSet<string> _labelled = new(StringComparer.Ordinal);

    public TenantLabels(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    /// <summary>How many tenants may have a label of their own (0: every tenant is <see cref="Other"/>).</summary>
    public int Limit { get; }

    /// <summary>Counts one call of <paramref name="tenant"/> and returns the label to report it under.</summary>
    public string Count(string? tenant)
    {
        if (string.IsNullOrEmpty(tenant))
        {
            return None;
        }

        if (Limit == 0)
        {
            return Other;
        }

        lock (_gate)
        {
            if (!_volume.TryGetValue(tenant, out var volume) && _volume.Count >= Math.Max(1000, Limit * TrackedPerLabel))
            {
                return Other;
            }

            _volume[tenant] = ++volume;
            if (_labelled.Contains(tenant))
            {
                return tenant;
            }

            if (_labelled.Count < Limit)
            {
                _labelled.Add(tenant);
                return tenant;
            }

            var smallest = _labelled.MinBy(t => _volume[t])!;
            if (volume >= 2 * _volume[smallest])
            {
                _labelled.Remove(smallest);
                _labelled.Add(tenant);
                return tenant;
            }

            return Other;
        }
    }

    /// <summary>The label <paramref name="tenant"/> is reported under now, without counting a call.</summary>
    public string Peek(string? tenant)
    {
        if (string.IsNullOrEmpty(tenant))
        {
            return None;
        }

        lock (_gate)
        {
            return _labelled.Contains(tenant) ? tenant : Other;
        }
    }
}
