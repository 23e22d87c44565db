namespace GuardCluster.Gateway.Quotas;

/// <summary>
/// The clock of the rate limiters, a keyed <see cref="TimeProvider"/> so tests can step it without moving the
/// clock Orleans and ASP.NET Core run on.
/// </summary>
public static class QuotaClock
{
    public const string Key = "guard-quotas";
}
