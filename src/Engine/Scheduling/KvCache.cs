using LLama;
using LLama.Native;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// The engine's reusable KV: policy-header prefixes (copied into each request's sequence; llama.cpp's unified
/// KV cache shares the cells without copying data) and per-conversation role branches (extended turn by turn).
/// Tiers, each bounded: llama.cpp cells (sequence ids and a cell budget) → host memory (bytes) → a spill folder
/// on disk (bytes); a branch moves down least-recently-used first and comes back up on its next turn; the
/// bottom tier's oldest entries are forgotten (the next turn just prefills more). Prefixes are only dropped.
/// Victims are chosen fairly: from the owner (tenant) holding the most of the tier, its least recently used
/// entry, so one tenant's conversations cannot push out everyone else's. Pinned entries (borrowed by a job,
/// being restored or extended) are never victims. Only the scheduler thread touches it.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly LLamaContext _context;
    private readonly KvCacheOptions _options;
    private readonly KvSpillFolder? _disk;
    private readonly Dictionary<string, CachedSequence> _entries = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSequenceIds;
    private long _clock;

    public KvCache(LLamaContext context, KvCacheOptions options, int firstSequenceId, KvSpillFolder? disk)
    {
        _context = context;
        _options = options;
        _disk = options.Spill ? disk : null;
        _freeSequenceIds = new Stack<int>(Enumerable.Range(firstSequenceId, options.MaxResidentEntries).Reverse());
    }

    /// <summary>Cells held by resident entries (shared prefix cells are counted once per holder: conservative).</summary>
    public int ResidentCells { get; private set; }

    public KvCacheStatistics Statistics { get; } = new();

    private SafeLLamaContextHandle Native => _context.NativeHandle;

    public static string PrefixKey(ReadOnlySpan<int> header, string owner)
    {
        var hash = new HashCode();
        foreach (var t in header)
        {
            hash.Add(t);
        }

        return $"prefix:{owner}:{header.Length}:{hash.ToHashCode():x8}";
    }

    /// <summary>A resident prefix entry of <paramref name="owner"/> holding exactly <paramref name="header"/>, if any.</summary>
    public CachedSequence? FindPrefix(ReadOnlySpan<int> header, string owner)
    {
        if (!_options.PrefixCache || header.Length == 0)
        {
            return null;
        }

        if (_entries.TryGetValue(PrefixKey(header, owner), out var entry) && entry.IsResident && header.SequenceEqual(entry.Tokens))
        {
            Touch(entry);
            return entry;
        }

        return null;
    }

    /// <summary>Keeps <paramref name="header"/>'s KV, copied from <paramref name="sourceSequence"/> (which holds it at 0..n-1).</summary>
    public void StorePrefix(ReadOnlySpan<int> header, string owner, int sourceSequence, int cellBudgetLeft)
    {
        var key = PrefixKey(header, owner);
        if (!_options.PrefixCache || header.Length == 0 || _entries.ContainsKey(key))
        {
            return;
        }

        if (!TryAllocate(header.Length, cellBudgetLeft, out var sequenceId, idleCap: true))
        {
            return;
        }

        Native.MemorySequenceCopy((LLamaSeqId)sourceSequence, (LLamaSeqId)sequenceId, 0, header.Length);
        var entry = new CachedSequence(key, isPrefix: true, owner) { Tokens = header.ToArray(), SequenceId = sequenceId };
        _entries[key] = entry;
        ResidentCells += entry.Tokens.Length;
        Statistics.PrefixesStored++;
        Touch(entry);
    }

    /// <summary>
    /// Borrows the branch for <paramref name="key"/>, resident and truncated to its common prefix with
    /// <paramref name="tokens"/>; creates it when missing, restores it when spilled. Null when no sequence can be
    /// had now or the branch is already borrowed.
    /// </summary>
    public CachedSequence? BorrowBranch(string key, string owner, ReadOnlySpan<int> tokens, int cellBudgetLeft)
    {
        if (!_options.SessionCache)
        {
            return null;
        }

        if (!_entries.TryGetValue(key, out var entry))
        {
            if (!TryAllocate(0, cellBudgetLeft, out var id, idleCap: false))
            {
                return null;
            }

            entry = new CachedSequence(key, isPrefix: false, owner) { SequenceId = id };
            _entries[key] = entry;
            Statistics.BranchMisses++;
        }
        else if (entry.InUse)
        {
            return null;
        }
        else if (!entry.IsResident)
        {
            // Pinned before making room: evicting others may fill the spill tiers, and this entry is the oldest
            // spilled one more often than not; it must not be forgotten while it is being restored.
            entry.InUse = true;
            // A borrowed branch's cells are its job's, not the idle cache's: only the context has to hold them.
            var allocated = TryAllocate(entry.Tokens.Length, cellBudgetLeft, out var id, idleCap: false);
            entry.InUse = false;
            if (!allocated)
            {
                return null;
            }

            Restore(entry, id);
        }
        else
        {
            Statistics.BranchHits++;
        }

        BorrowTruncated(entry, tokens);
        Touch(entry);
        return entry;
    }

    /// <summary>
    /// Borrows an existing, resident, idle branch for background work (never creates, restores or evicts);
    /// truncated to its common prefix with <paramref name="tokens"/>. Null otherwise.
    /// </summary>
    public CachedSequence? BorrowIdleBranch(string key, ReadOnlySpan<int> tokens)
    {
        if (PeekIdleBranch(key) is not { } entry)
        {
            return null;
        }

        BorrowTruncated(entry, tokens);
        return entry;
    }

    /// <summary>An idle resident branch's current tokens and header length, if there is one.</summary>
    public CachedSequence? PeekIdleBranch(string key) =>
        _entries.TryGetValue(key, out var entry) && !entry.IsPrefix && !entry.InUse && entry.IsResident && !entry.ForgetOnReturn ? entry : null;

    /// <summary>Seeds a job's own sequence with a cached prefix's KV (shared cells, no data copied).</summary>
    public void CopyPrefix(CachedSequence prefix, int sequenceId) =>
        Native.MemorySequenceCopy((LLamaSeqId)prefix.SequenceId, (LLamaSeqId)sequenceId, 0, prefix.Tokens.Length);

    /// <summary>
    /// Removes positions <paramref name="from"/>.. of a sequence a job holds (its own, or a branch it borrowed and then
    /// reports with <see cref="Trim"/> or <see cref="ReturnBranch"/>); 0 empties it. The scheduler touches sequences
    /// only through these methods.
    /// </summary>
    public void Truncate(int sequenceId, int from) => Native.MemorySequenceRemove((LLamaSeqId)sequenceId, from, -1);

    /// <summary>Replaces a borrowed branch's content with a cached prefix (shared cells, no data copied).</summary>
    public void ResetBranchTo(CachedSequence branch, CachedSequence prefix)
    {
        Native.MemorySequenceRemove((LLamaSeqId)branch.SequenceId, -1, -1);
        Native.MemorySequenceCopy((LLamaSeqId)prefix.SequenceId, (LLamaSeqId)branch.SequenceId, 0, prefix.Tokens.Length);
        ResidentCells += prefix.Tokens.Length - branch.Tokens.Length;
        branch.Tokens = prefix.Tokens;
    }

    /// <summary>
    /// Returns a branch after its job: it now holds <paramref name="kept"/> (the job removed the rest). Idle entries
    /// over the cache's cell cap then move out, least recently used first (possibly this one, when it alone is larger).
    /// </summary>
    public void ReturnBranch(CachedSequence entry, int[] kept)
    {
        ResidentCells += kept.Length - entry.Tokens.Length;
        entry.Tokens = kept;
        entry.InUse = false;
        Touch(entry);
        if (entry.ForgetOnReturn)
        {
            Drop(entry);
            return;
        }

        var idle = IdleResidentCells();
        while (idle > _options.MaxResidentCells && PickResidentVictim() is { } victim)
        {
            idle -= victim.Tokens.Length;
            Evict(victim);
        }
    }

    /// <summary>A borrowed branch now holds only <paramref name="kept"/> (its holder removed the rest); it stays borrowed.</summary>
    public void Trim(CachedSequence entry, int[] kept)
    {
        ResidentCells += kept.Length - entry.Tokens.Length;
        entry.Tokens = kept;
    }

    private int IdleResidentCells()
    {
        var cells = 0;
        foreach (var entry in _entries.Values)
        {
            if (entry.IsResident && !entry.InUse)
            {
                cells += entry.Tokens.Length;
            }
        }

        return cells;
    }

    /// <summary>Drops a branch whose job failed or was cancelled: its KV is no longer known to be exact.</summary>
    public void DiscardBranch(CachedSequence entry)
    {
        entry.InUse = false;
        Drop(entry);
    }

    /// <summary>
    /// Forgets every entry whose key starts with <paramref name="keyPrefix"/> in every tier (a deleted
    /// conversation or tenant); a borrowed one goes when its job returns it.
    /// </summary>
    public int Forget(string keyPrefix)
    {
        var forgotten = 0;
        foreach (var entry in _entries.Values.Where(e => e.Key.StartsWith(keyPrefix, StringComparison.Ordinal)).ToArray())
        {
            forgotten++;
            if (entry.InUse)
            {
                entry.ForgetOnReturn = true;
            }
            else
            {
                Drop(entry);
            }
        }

        return forgotten;
    }

    /// <summary>Evicts idle resident entries until <paramref name="cells"/> cells are free of the cache's share.</summary>
    public bool MakeRoom(int cells)
    {
        while (ResidentCells > 0 && cells > 0)
        {
            if (PickResidentVictim() is not { } victim)
            {
                return false;
            }

            cells -= victim.Tokens.Length;
            Evict(victim);
        }

        return cells <= 0;
    }

    /// <summary>Saves conversation branches idle for longer than the configured time out of the context.</summary>
    public void SpillIdle()
    {
        if (!_options.Spill || _options.SpillAfterIdle <= TimeSpan.Zero)
        {
            return;
        }

        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var entry in _entries.Values.ToArray())
        {
            if (!entry.IsPrefix && entry.IsResident && !entry.InUse
                && System.Diagnostics.Stopwatch.GetElapsedTime(entry.LastUsedAt, now) > _options.SpillAfterIdle)
            {
                Evict(entry);
            }
        }
    }

    /// <summary>Checks the bookkeeping against itself (tests and the stress harness): throws when it is off.</summary>
    public void CheckInvariants()
    {
        var cells = 0;
        long memory = 0, disk = 0;
        var ids = new HashSet<int>();
        foreach (var entry in _entries.Values)
        {
            switch (entry.Tier)
            {
                case KvTier.Resident when entry.SequenceId >= 0 && ids.Add(entry.SequenceId):
                    cells += entry.Tokens.Length;
                    break;
                case KvTier.Memory when entry.SavedState is not null && entry.SequenceId < 0 && !entry.InUse:
                    memory += entry.SavedBytes;
                    break;
                case KvTier.Disk when entry.SpillFile is not null && entry.SequenceId < 0 && !entry.InUse:
                    disk += entry.SavedBytes;
                    break;
                default:
                    throw new InvalidOperationException($"KV cache entry {entry.Key} is inconsistent ({entry.Tier}, seq {entry.SequenceId}).");
            }
        }

        if (cells != ResidentCells || memory != Statistics.MemorySpilledBytes || disk != Statistics.DiskSpilledBytes
            || ids.Overlaps(_freeSequenceIds) || ids.Count + _freeSequenceIds.Count != _options.MaxResidentEntries
            || memory > _options.SpillBudgetBytes || disk > _options.SpillDiskBudgetBytes)
        {
            throw new InvalidOperationException(
                $"KV cache accounting is off: cells {cells}/{ResidentCells}, memory {memory}/{Statistics.MemorySpilledBytes}, disk {disk}/{Statistics.DiskSpilledBytes}, ids {ids.Count}+{_freeSequenceIds.Count}.");
        }
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.SavedState = null;
            entry.Tier = KvTier.Gone;
        }

        _entries.Clear();
        Statistics.MemorySpilledBytes = 0;
        Statistics.DiskSpilledBytes = 0;
    }

    private void BorrowTruncated(CachedSequence entry, ReadOnlySpan<int> tokens)
    {
        var common = CommonPrefix(entry.Tokens, tokens);
        if (common < entry.Tokens.Length)
        {
            Native.MemorySequenceRemove((LLamaSeqId)entry.SequenceId, common, -1);
            ResidentCells -= entry.Tokens.Length - common;
            entry.Tokens = entry.Tokens[..common];
        }

        entry.InUse = true;
    }

    private bool TryAllocate(int cells, int cellBudgetLeft, out int sequenceId, bool idleCap)
    {
        // Respect the sequence-id pool, the cells free in the context, and (for entries that stay idle) the cache's cell cap.
        while (_freeSequenceIds.Count == 0 || cells > cellBudgetLeft || (idleCap && IdleResidentCells() + cells > _options.MaxResidentCells))
        {
            if (PickResidentVictim() is not { } victim)
            {
                sequenceId = -1;
                return false;
            }

            cellBudgetLeft += victim.Tokens.Length;
            Evict(victim);
        }

        sequenceId = _freeSequenceIds.Pop();
        return true;
    }

    private CachedSequence? PickResidentVictim() => PickVictim(e => e.IsResident, e => e.Tokens.Length);

    /// <summary>Among unpinned entries that <paramref name="eligible"/> accepts: the LRU one of the owner with the most <paramref name="weight"/>.</summary>
    private CachedSequence? PickVictim(Func<CachedSequence, bool> eligible, Func<CachedSequence, long> weight)
    {
        Dictionary<string, (long Load, CachedSequence Oldest)>? owners = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.InUse || !eligible(entry))
            {
                continue;
            }

            owners ??= new Dictionary<string, (long, CachedSequence)>(StringComparer.Ordinal);
            owners[entry.Owner] = owners.TryGetValue(entry.Owner, out var o)
                ? (o.Load + weight(entry), entry.LastUsed < o.Oldest.LastUsed ? entry : o.Oldest)
                : (weight(entry), entry);
        }

        if (owners is null)
        {
            return null;
        }

        var heaviest = owners.Values.First();
        foreach (var o in owners.Values)
        {
            if (o.Load > heaviest.Load || (o.Load == heaviest.Load && o.Oldest.LastUsed < heaviest.Oldest.LastUsed))
            {
                heaviest = o;
            }
        }

        return heaviest.Oldest;
    }

    /// <summary>Moves a resident idle entry out of the context: a branch to the spill tiers, a prefix away.</summary>
    private void Evict(CachedSequence entry)
    {
        if (entry.IsPrefix || !_options.Spill || entry.Tokens.Length == 0)
        {
            Drop(entry);
            return;
        }

        var state = SaveState(entry.SequenceId);
        ReleaseSequence(entry);
        entry.Tier = KvTier.Gone; // in transit: no victim search sees it
        Statistics.Spills++;
        if (state is null)
        {
            Forget(entry);
            return;
        }

        if (state.Length <= _options.SpillBudgetBytes)
        {
            while (Statistics.MemorySpilledBytes + state.Length > _options.SpillBudgetBytes
                && PickVictim(e => e.Tier == KvTier.Memory, e => e.SavedBytes) is { } older)
            {
                Demote(older);
            }

            if (Statistics.MemorySpilledBytes + state.Length <= _options.SpillBudgetBytes)
            {
                entry.Tier = KvTier.Memory;
                entry.SavedState = state;
                entry.SavedBytes = state.Length;
                Statistics.MemorySpilledBytes += state.Length;
                return;
            }
        }

        WriteToDisk(entry, state);
    }

    /// <summary>Memory tier → disk tier (or forgotten without one).</summary>
    private void Demote(CachedSequence entry)
    {
        var state = entry.SavedState!;
        Statistics.MemorySpilledBytes -= entry.SavedBytes;
        entry.SavedState = null;
        entry.Tier = KvTier.Gone;
        WriteToDisk(entry, state);
    }

    private void WriteToDisk(CachedSequence entry, byte[] state)
    {
        if (_disk is null || state.Length > _options.SpillDiskBudgetBytes)
        {
            Forget(entry);
            return;
        }

        while (Statistics.DiskSpilledBytes + state.Length > _options.SpillDiskBudgetBytes
            && PickVictim(e => e.Tier == KvTier.Disk, e => e.SavedBytes) is { } older)
        {
            Forget(older);
        }

        if (Statistics.DiskSpilledBytes + state.Length > _options.SpillDiskBudgetBytes)
        {
            Forget(entry);
            return;
        }

        try
        {
            entry.SpillFile = _disk.Write(entry.Key, entry.Tokens, state);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or failing disk degrades to prefilling the branch again, never to an error.
            Statistics.SpillErrors++;
            Forget(entry);
            return;
        }

        entry.Tier = KvTier.Disk;
        entry.SavedBytes = state.Length;
        Statistics.DiskSpilledBytes += state.Length;
        Statistics.DiskSpills++;
    }

    /// <summary>
    /// Brings a spilled, pinned entry back into <paramref name="sequenceId"/>. State that cannot be read back exactly
    /// (a missing or mismatched file, a size llama.cpp rejects) is discarded: the branch restarts empty.
    /// </summary>
    private void Restore(CachedSequence entry, int sequenceId)
    {
        byte[]? state;
        var fromDisk = entry.Tier == KvTier.Disk;
        if (fromDisk)
        {
            state = _disk!.Read(entry.SpillFile!, entry.Key, entry.Tokens);
            KvSpillFolder.Delete(entry.SpillFile!);
            Statistics.DiskSpilledBytes -= entry.SavedBytes;
            entry.SpillFile = null;
        }
        else
        {
            state = entry.SavedState;
            Statistics.MemorySpilledBytes -= entry.SavedBytes;
            entry.SavedState = null;
        }

        entry.SavedBytes = 0;
        entry.SequenceId = sequenceId;
        entry.Tier = KvTier.Resident;
        if (state is not null && LoadState(state, sequenceId)
            && Native.MemorySequenceMaxPosition((LLamaSeqId)sequenceId) == entry.Tokens.Length - 1)
        {
            ResidentCells += entry.Tokens.Length;
            Statistics.Restores++;
            if (fromDisk)
            {
                Statistics.DiskRestores++;
            }

            return;
        }

        Native.MemorySequenceRemove((LLamaSeqId)sequenceId, -1, -1);
        entry.Tokens = [];
        entry.HeaderTokens = 0;
        Statistics.SpillDiscards++;
    }

    private unsafe byte[]? SaveState(int sequenceId)
    {
        var size = Native.GetStateSize((LLamaSeqId)sequenceId);
        if (size == 0 || size > (nuint)Array.MaxLength)
        {
            return null;
        }

        var state = GC.AllocateUninitializedArray<byte>((int)size);
        fixed (byte* p = state)
        {
            var written = Native.GetState(p, size, (LLamaSeqId)sequenceId);
            return written == size ? state : null;
        }
    }

    private unsafe bool LoadState(byte[] state, int sequenceId)
    {
        fixed (byte* p = state)
        {
            return Native.SetState(p, (nuint)state.Length, (LLamaSeqId)sequenceId) == (nuint)state.Length;
        }
    }

    private void Drop(CachedSequence entry)
    {
        if (entry.IsResident)
        {
            ReleaseSequence(entry);
        }

        Forget(entry);
        Statistics.Drops++;
    }

    /// <summary>Removes an unpinned (or just-discarded) entry from every tier.</summary>
    private void Forget(CachedSequence entry)
    {
        if (entry.Tier == KvTier.Memory)
        {
            Statistics.MemorySpilledBytes -= entry.SavedBytes;
        }
        else if (entry.Tier == KvTier.Disk)
        {
            Statistics.DiskSpilledBytes -= entry.SavedBytes;
            KvSpillFolder.Delete(entry.SpillFile!);
        }

        entry.SavedState = null;
        entry.SpillFile = null;
        entry.SavedBytes = 0;
        entry.Tier = KvTier.Gone;
        _entries.Remove(entry.Key);
    }

    private void ReleaseSequence(CachedSequence entry)
    {
        Native.MemorySequenceRemove((LLamaSeqId)entry.SequenceId, -1, -1);
        _freeSequenceIds.Push(entry.SequenceId);
        ResidentCells -= entry.Tokens.Length;
        entry.SequenceId = -1;
    }

    private void Touch(CachedSequence entry)
    {
        entry.LastUsed = ++_clock;
        entry.LastUsedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    private static int CommonPrefix(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
