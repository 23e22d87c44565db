namespace GuardCluster.Gateway.Quotas;

/// <summary>
/// A token bucket for a per-minute rate: it holds up to one minute's allowance and refills continuously, so a
/// client may burst up to its per-minute quota and then gets an even rate. Not thread-safe: callers lock.
/// The level may go below zero (a charge settled after the fact, such as prompt tokens); it then refuses until
/// refilled above zero.
/// </summary>
internal sealed class RateBucket
{
    private double _level = double.NaN;
    private long _stamp;

    /// <summary>True when the bucket is full at <paramref name="now"/>: it then remembers nothing worth keeping.</summary>
    public bool IsFull(double perMinute, long now, long frequency)
    {
        Refill(perMinute, now, frequency);
        return _level >= perMinute;
    }

    /// <summary>
    /// Takes <paramref name="amount"/> when available. An amount larger than the whole bucket is taken from a full
    /// bucket (leaving it in debt), so a big batch is slowed down, never refused forever.
    /// </summary>
    public bool TryTake(double amount, double perMinute, long now, long frequency, out TimeSpan retryAfter)
    {
        Refill(perMinute, now, frequency);
        var needed = Math.Min(amount, perMinute);
        if (_level >= needed)
        {
            _level -= amount;
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromSeconds((needed - _level) * 60 / perMinute);
        return false;
    }

    /// <summary>True while the level is above zero (something is left to spend); else when it will be.</summary>
    public bool HasCredit(double perMinute, long now, long frequency, out TimeSpan retryAfter)
    {
        Refill(perMinute, now, frequency);
        if (_level > 0)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromSeconds((1 - _level) * 60 / perMinute);
        return false;
    }

    /// <summary>Spends <paramref name="amount"/> unconditionally (may leave the bucket in debt).</summary>
    public void Charge(double amount, double perMinute, long now, long frequency)
    {
        Refill(perMinute, now, frequency);
        _level -= amount;
    }

    private void Refill(double perMinute, long now, long frequency)
    {
        if (double.IsNaN(_level))
        {
            _level = perMinute;
        }
        else if (now > _stamp)
        {
            _level = Math.Min(perMinute, _level + ((now - _stamp) / (double)frequency * perMinute / 60));
        }
        else
        {
            // A lowered quota takes effect at once.
            _level = Math.Min(_level, perMinute);
        }

        _stamp = Math.Max(_stamp, now);
    }
}
