using System.Diagnostics;
using GuardCluster.Core;

namespace GuardCluster.Engine.Scheduling;

/// <summary>Admission: which waiting job starts next, on which sequence, from which cached KV, with which cells.</summary>
internal sealed partial class InferenceScheduler
{
    /// <summary>
    /// Starts waiting jobs while they fit, fairly: tenants with fewer running jobs first, each tenant's jobs in
    /// arrival order. A job that cannot get its cells now does not hold back the jobs behind it, unless it has
    /// waited past <see cref="StarvationLimit"/> while its tenant has nothing running: then nothing else starts until it
    /// does (running jobs finish in bounded time, and everything admitted fits in an empty cache). A tenant's running
    /// jobs hold at most three quarters of the context's cells, so another tenant's check always has room.
    /// </summary>
    private void Admit()
    {
        _queue.Refresh();
        if (_starving is { } starving)
        {
            if (starving.IsFinished)
            {
                _starving = null;
            }
            else if (starving.BlockedAtEpoch == _capacityEpoch || TryAdmit(starving) != StartResult.Started)
            {
                return;
            }
            else
            {
                _starving = null;
            }
        }

        var now = Stopwatch.GetTimestamp();
        bool admitted;
        do
        {
            admitted = false;
            foreach (var tenant in _queue.ByTenant.Keys.OrderBy(RunningJobs).ThenBy(t => _queue.ByTenant[t][0].EnqueuedAt).ToArray())
            {
                foreach (var job in _queue.ByTenant[tenant].ToArray())
                {
                    if (job.BlockedAtEpoch == _capacityEpoch && !job.CancellationToken.IsCancellationRequested)
                    {
                        continue;
                    }

                    var result = TryAdmit(job);
                    if (result == StartResult.Started)
                    {
                        admitted = true;
                        break;
                    }

                    // Only a tenant with nothing running can starve: one with running jobs gets their cells back.
                    if (result == StartResult.NoCells && Stopwatch.GetElapsedTime(job.EnqueuedAt, now) > StarvationLimit && RunningJobs(job.Tenant) == 0)
                    {
                        _starving = job;
                        return;
                    }
                }

                if (admitted)
                {
                    break; // running counts changed: reorder the tenants
                }
            }
        }
        while (admitted);
    }

    private int RunningJobs(string tenant) => _active.Count(j => j.Tenant == tenant && !j.IsBackground);

    private int TenantCells(string tenant) => _active.Where(j => j.Tenant == tenant && !j.IsBackground).Sum(j => j.ReservedCells);

    /// <summary>Starts a queued job if it can run now; refuses one that can never run.</summary>
    private StartResult TryAdmit(SequenceJob job)
    {
        if (job.CancellationToken.IsCancellationRequested || job.IsFinished)
        {
            _queue.Remove(job);
            job.Cancel();
            return StartResult.Gone;
        }

        if (_options.CellsFor(job.PromptTokens.Length) > _options.ContextSize)
        {
            // The engine refuses these before queueing; kept so that no path can park a job that never fits.
            _queue.Remove(job);
            job.Fail(new GuardValidationException(
                GuardErrorCodes.PromptTooLong, $"The prompt is {job.PromptTokens.Length} tokens; at most {_options.MaxPromptTokens} fit in the engine's context.", "messages", isLimit: true));
            return StartResult.Gone;
        }

        var result = TryStart(job);
        if (result == StartResult.Started)
        {
            _queue.Remove(job);
            job.AdmittedAt = Stopwatch.GetTimestamp();
            job.State = JobState.Prefilling;
            _active.Add(job);
        }

        return result;
    }

    private StartResult TryStart(SequenceJob job)
    {
        if (job.BranchKey is { } branchKey)
        {
            // This job extends the branch itself; a background job on it gives way, keeping what it prefilled.
            _pendingExtensions.Remove(branchKey);
            if (_background?.BranchKey == branchKey)
            {
                StopBackground();
            }
        }

        var tokens = job.PromptTokens;
        var header = tokens.AsSpan(0, job.HeaderTokens);
        int cursor;
        if (job.BranchKey is { } key && _cache.BorrowBranch(key, job.Tenant, tokens, FreeCells) is { } branch)
        {
            if (branch.Tokens.Length < job.HeaderTokens && _cache.FindPrefix(header, job.PrefixOwner) is { } prefix)
            {
                _cache.ResetBranchTo(branch, prefix);
            }

            job.Branch = branch;
            job.SequenceId = branch.SequenceId;
            cursor = branch.Tokens.Length;
        }
        else
        {
            if (_freeJobSequenceIds.Count == 0 || _jobSequencesByTenant.GetValueOrDefault(job.Tenant) >= _options.EffectiveMaxSequencesPerTenant)
            {
                return StartResult.NoSequence;
            }

            job.SequenceId = _freeJobSequenceIds.Pop();
            job.HoldsJobSequence = true;
            _jobSequencesByTenant[job.Tenant] = _jobSequencesByTenant.GetValueOrDefault(job.Tenant) + 1;
            cursor = 0;
            if (_cache.FindPrefix(header, job.PrefixOwner) is { } prefix)
            {
                _cache.Statistics.PrefixHits++;
                _cache.CopyPrefix(prefix, job.SequenceId);
                cursor = prefix.Tokens.Length;
            }
            else if (header.Length > 0)
            {
                _cache.Statistics.PrefixMisses++;
            }
        }

        // At least the last prompt token is always decoded: its logits start the answer.
        if (cursor >= tokens.Length)
        {
            cursor = tokens.Length - 1;
            _cache.Truncate(job.SequenceId, cursor);
            if (job.Branch is { } b)
            {
                _cache.Trim(b, tokens[..cursor]);
            }
        }

        var reservation = _options.CellsFor(tokens.Length) - cursor;
        if (job.Tenant.Length > 0 && TenantCells(job.Tenant) is var held && held > 0 && held + reservation > _options.ContextSize * 3 / 4)
        {
            // A tenant's running jobs keep a quarter of the context free for the others (one job alone may use it all).
            Unstart(job, cursor);
            job.BlockedAtEpoch = _capacityEpoch;
            return StartResult.NoSequence;
        }

        if (reservation > FreeCells && _background is not null)
        {
            StopBackground();
        }

        if (reservation > FreeCells && !_cache.MakeRoom(reservation - FreeCells))
        {
            Unstart(job, cursor);
            job.BlockedAtEpoch = _capacityEpoch;
            return StartResult.NoCells;
        }

        job.ReservedCells = reservation;
        _reservedCells += reservation;
        job.CachedTokens = cursor;
        job.PrefillCursor = cursor;
        job.NextPosition = cursor;
        return StartResult.Started;
    }

    /// <summary>Undoes <see cref="TryStart"/> for a job that cannot get its cells yet.</summary>
    private void Unstart(SequenceJob job, int cursor)
    {
        if (job.Branch is { } branch)
        {
            _cache.ReturnBranch(branch, job.PromptTokens[..cursor]);
            job.Branch = null;
        }
        else
        {
            ReleaseJobSequence(job);
        }

        job.SequenceId = -1;
    }

    private void ReleaseJobSequence(SequenceJob job)
    {
        _cache.Truncate(job.SequenceId, 0);
        _freeJobSequenceIds.Push(job.SequenceId);
        job.HoldsJobSequence = false;
        if (_jobSequencesByTenant.GetValueOrDefault(job.Tenant) <= 1)
        {
            _jobSequencesByTenant.Remove(job.Tenant);
        }
        else
        {
            _jobSequencesByTenant[job.Tenant]--;
        }
    }

    private enum StartResult
    {
        Started,

        /// <summary>No sequence free for it now (or its tenant holds its share of sequences or cells).</summary>
        NoSequence,

        /// <summary>Its cells cannot be had now.</summary>
        NoCells,

        /// <summary>Cancelled or refused; it left the queue.</summary>
        Gone,
    }
}
