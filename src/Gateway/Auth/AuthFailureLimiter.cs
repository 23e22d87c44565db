using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GuardCluster.Gateway.Quotas;
using Microsoft.Extensions.Options;

namespace GuardCluster.Gateway.Auth;

/// <summary>
/// Limits failed authentications per client address, so guessing keys or spraying made-up tenant ids costs the
/// guesser a 429 instead of costing the cluster a tenant lookup each. Each address has a bucket of
/// <see cref="GatewayOptions.AuthFailuresPerMinute"/> failures refilled evenly; while it is empty, every request
/// from that address that carries a key is answered 429 <c>rate_limited</c> before the key is looked at. IPv6
/// addresses count per /64 (one host usually owns the whole prefix). Memory is bounded by
/// <see cref="GatewayOptions.AuthFailureAddresses"/>.
/// </summary>
public sealed class AuthFailureLimiter(IOptions<GatewayOptions> options, [FromKeyedServices(QuotaClock.Key)] TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RateBucket> _addresses = new(StringComparer.Ordinal);

    /// <summary>True (with the wait) while <paramref name="address"/> has used up its failures.</summary>
    public bool IsBlocked(IPAddress? address, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        var perMinute = options.Value.AuthFailuresPerMinute;
        if (perMinute <= 0 || !_addresses.TryGetValue(Key(address), out var bucket))
        {
            return false;
        }

        lock (bucket)
        {
            if (bucket.HasCredit(perMinute, time.GetTimestamp(), time.TimestampFrequency, out var wait))
            {
                return false;
            }

            retryAfterSeconds = TenantQuotaGate.RetryAfterSeconds(wait);
            return true;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        var perMinute = options.Value.AuthFailuresPerMinute;
        if (perMinute <= 0)
        {
            return;
        }

        var key = Key(address);
        if (!_addresses.TryGetValue(key, out var bucket))
        {
            if (_addresses.Count >= Math.Max(1, options.Value.AuthFailureAddresses))
            {
                Sweep(perMinute);
            }

            bucket = _addresses.GetOrAdd(key, _ => new RateBucket());
        }

        lock (bucket)
        {
            bucket.Charge(1, perMinute, time.GetTimestamp(), time.TimestampFrequency);
        }
    }

    /// <summary>Forgets refilled addresses; if that is not enough (failures from very many addresses), starts over.</summary>
    private void Sweep(int perMinute)
    {
        var now = time.GetTimestamp();
        foreach (var (key, bucket) in _addresses)
        {
            bool full;
            lock (bucket)
            {
                full = bucket.IsFull(perMinute, now, time.TimestampFrequency);
            }

            if (full)
            {
                _addresses.TryRemove(KeyValuePair.Create(key, bucket));
            }
        }

        if (_addresses.Count >= Math.Max(1, options.Value.AuthFailureAddresses))
        {
            _addresses.Clear();
        }
    }

    private static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "-";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }
}
