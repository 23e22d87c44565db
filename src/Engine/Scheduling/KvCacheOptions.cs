namespace GuardCluster.Engine.Scheduling;

internal sealed record KvCacheOptions(
    bool PrefixCache,
    bool SessionCache,
    bool Spill,
    int MaxResidentEntries,
    int MaxResidentCells,
    long SpillBudgetBytes,
    long SpillDiskBudgetBytes,
    TimeSpan SpillAfterIdle);
