using LLama;
using LLama.Native;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// The engine's reusable KV: policy-header prefixes (copied into each request's sequence; llama.cpp's unified
/// KV cache shares the cells without copying data) and per-conversation role branches (extended turn by turn).
/// Resident entries are bounded by sequence ids and a cell budget and evicted least-recently-used: branches
/// spill to host memory up to a byte budget, then are dropped (the next turn just prefills more); prefixes
/// are dropped. Only the scheduler thread touches it.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly LLamaContext _context;
    private readonly KvCacheOptions _options;
    private readonly Dictionary<string, CachedSequence> _entries = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSequenceIds;
    private long _clock;
    private long _spilledBytes;

    public KvCache(LLamaContext context, KvCacheOptions options, int firstSequenceId)
    {
        _context = context;
        _options = options;
        _freeSequenceIds = new Stack<int>(Enumerable.Range(firstSequenceId, options.MaxResidentEntries).Reverse());
    }

    /// <summary>Cells held by resident entries (shared prefix cells are counted once per holder: conservative).</summary>
    public int ResidentCells { get; private set; }

    public KvCacheStatistics Statistics { get; } = new();

    private SafeLLamaContextHandle Native => _context.NativeHandle;

    public static string PrefixKey(ReadOnlySpan<int> header)
    {
        var hash = new HashCode();
        foreach (var t in header)
        {
            hash.Add(t);
        }

        return $"prefix:{header.Length}:{hash.ToHashCode():x8}";
    }

    /// <summary>A resident prefix entry holding exactly <paramref name="header"/>, if any.</summary>
    public CachedSequence? FindPrefix(ReadOnlySpan<int> header)
    {
        if (!_options.PrefixCache || header.Length == 0)
        {
            return null;
        }

        if (_entries.TryGetValue(PrefixKey(header), out var entry) && entry.IsResident && header.SequenceEqual(entry.Tokens))
        {
            Touch(entry);
            return entry;
        }

        return null;
    }

    /// <summary>Keeps <paramref name="header"/>'s KV, copied from <paramref name="sourceSequence"/> (which holds it at 0..n-1).</summary>
    public void StorePrefix(ReadOnlySpan<int> header, int sourceSequence, int cellBudgetLeft)
    {
        if (!_options.PrefixCache || header.Length == 0 || _entries.ContainsKey(PrefixKey(header)))
        {
            return;
        }

        if (!TryAllocate(header.Length, cellBudgetLeft, out var sequenceId))
        {
            return;
        }

        Native.MemorySequenceCopy((LLamaSeqId)sourceSequence, (LLamaSeqId)sequenceId, 0, header.Length);
        var entry = new CachedSequence(PrefixKey(header), isPrefix: true) { Tokens = header.ToArray(), SequenceId = sequenceId };
        _entries[entry.Key] = entry;
        ResidentCells += entry.Tokens.Length;
        Statistics.PrefixesStored++;
        Touch(entry);
    }

    /// <summary>
    /// Borrows the branch for <paramref name="key"/>, resident and truncated to its common prefix with
    /// <paramref name="tokens"/>; creates it when missing. Null when no sequence can be had now.
    /// </summary>
    public CachedSequence? BorrowBranch(string key, ReadOnlySpan<int> tokens, int cellBudgetLeft)
    {
        if (!_options.SessionCache)
        {
            return null;
        }

        if (!_entries.TryGetValue(key, out var entry))
        {
            if (!TryAllocate(0, cellBudgetLeft, out var id))
            {
                return null;
            }

            entry = new CachedSequence(key, isPrefix: false) { SequenceId = id };
            _entries[key] = entry;
            Statistics.BranchMisses++;
        }
        else if (entry.InUse)
        {
            return null;
        }
        else if (!entry.IsResident)
        {
            if (!TryAllocate(entry.Tokens.Length, cellBudgetLeft, out var id))
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
        if (!_entries.TryGetValue(key, out var entry) || entry.IsPrefix || entry.InUse || !entry.IsResident)
        {
            return null;
        }

        BorrowTruncated(entry, tokens);
        return entry;
    }

    /// <summary>Marks a resident branch borrowed, cut back to its common prefix with <paramref name="tokens"/>.</summary>
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

    /// <summary>An idle resident branch's current tokens and header length, if there is one.</summary>
    public CachedSequence? PeekIdleBranch(string key) =>
        _entries.TryGetValue(key, out var entry) && !entry.IsPrefix && !entry.InUse && entry.IsResident ? entry : null;

    /// <summary>Replaces a borrowed branch's content with a cached prefix (shared cells, no data copied).</summary>
    public void ResetBranchTo(CachedSequence branch, CachedSequence prefix)
    {
        Native.MemorySequenceRemove((LLamaSeqId)branch.SequenceId, -1, -1);
        Native.MemorySequenceCopy((LLamaSeqId)prefix.SequenceId, (LLamaSeqId)branch.SequenceId, 0, prefix.Tokens.Length);
        ResidentCells += prefix.Tokens.Length - branch.Tokens.Length;
        branch.Tokens = prefix.Tokens;
    }

    /// <summary>Returns a branch after its job: it now holds <paramref name="kept"/> (the job removed the rest).</summary>
    public void ReturnBranch(CachedSequence entry, int[] kept)
    {
        ResidentCells += kept.Length - entry.Tokens.Length;
        entry.Tokens = kept;
        entry.InUse = false;
        Touch(entry);
    }

    /// <summary>Drops a branch whose job failed or was cancelled: its KV is no longer known to be exact.</summary>
    public void DiscardBranch(CachedSequence entry)
    {
        entry.InUse = false;
        Drop(entry);
    }

    /// <summary>Evicts idle entries, least recently used first, until <paramref name="cells"/> cells are free of the cache's share.</summary>
    public bool MakeRoom(int cells)
    {
        while (ResidentCells > 0 && cells > 0)
        {
            var victim = LeastRecentlyUsedIdle();
            if (victim is null)
            {
                return false;
            }

            cells -= victim.Tokens.Length;
            Evict(victim);
        }

        return cells <= 0;
    }

    /// <summary>Saves conversation branches idle for longer than the configured time to host memory.</summary>
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

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Spilled?.Dispose();
        }

        _entries.Clear();
    }

    private bool TryAllocate(int cells, int cellBudgetLeft, out int sequenceId)
    {
        // Respect the sequence-id pool, the cells free in the context, and the cache's own cell cap.
        while (_freeSequenceIds.Count == 0 || cells > cellBudgetLeft || ResidentCells + cells > _options.MaxResidentCells)
        {
            var victim = LeastRecentlyUsedIdle();
            if (victim is null)
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

    private CachedSequence? LeastRecentlyUsedIdle()
    {
        CachedSequence? best = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.IsResident && !entry.InUse && (best is null || entry.LastUsed < best.LastUsed))
            {
                best = entry;
            }
        }

        return best;
    }

    private void Evict(CachedSequence entry)
    {
        if (entry.IsPrefix || !_options.Spill || entry.Tokens.Length == 0)
        {
            Drop(entry);
            return;
        }

        var state = _context.GetState((LLamaSeqId)entry.SequenceId);
        var size = (long)state.Size;
        if (size > _options.SpillBudgetBytes)
        {
            state.Dispose();
            Drop(entry);
            return;
        }

        while (_spilledBytes + size > _options.SpillBudgetBytes && OldestSpilled() is { } old)
        {
            Forget(old);
        }

        ReleaseSequence(entry);
        entry.Spilled = state;
        _spilledBytes += size;
        Statistics.Spills++;
    }

    private void Restore(CachedSequence entry, int sequenceId)
    {
        var state = entry.Spilled!;
        _context.LoadState(state, (LLamaSeqId)sequenceId);
        _spilledBytes -= (long)state.Size;
        state.Dispose();
        entry.Spilled = null;
        entry.SequenceId = sequenceId;
        ResidentCells += entry.Tokens.Length;
        Statistics.Restores++;
    }

    private CachedSequence? OldestSpilled()
    {
        CachedSequence? best = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.Spilled is not null && (best is null || entry.LastUsed < best.LastUsed))
            {
                best = entry;
            }
        }

        return best;
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

    private void Forget(CachedSequence entry)
    {
        if (entry.Spilled is { } spilled)
        {
            _spilledBytes -= (long)spilled.Size;
            spilled.Dispose();
            entry.Spilled = null;
        }

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
