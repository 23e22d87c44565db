using System.Diagnostics;
using LLama.Native;

namespace GuardCluster.Engine.Scheduling;

/// <summary>One decode step: what goes into the batch, the decode itself, and what the logits decide.</summary>
internal sealed partial class InferenceScheduler
{
    // Tokens every prefilling sequence gets per step before the rest is handed out shortest-first.
    private const int MinPrefillSlice = 16;

    // Every this many steps carrying a light tenant's work, the heavy tenants' short share rides along (no starvation).
    private const int HeavyRideAlongSteps = 4;

    private int _heavySkippedSteps;

    private void Step(LLama.Native.LLamaBatch batch)
    {
        batch.Clear();
        var budget = Math.Max(1, _options.BatchSize);
        var logitOwners = new List<(SequenceJob Job, int Index)>(_active.Count);
        Dictionary<SequenceJob, (int[] Tokens, int FirstPosition)>? drafts = null; // only unsafe answers draft
        var inBatch = new HashSet<SequenceJob>();
        var tenantTokens = new Dictionary<string, int>(StringComparer.Ordinal);

        // Decoding sequences first: one token each keeps their latency flat while prefills queue up.
        foreach (var job in _active)
        {
            if (!job.IsPrefilling && !job.IsBackground && budget > 0)
            {
                job.State = JobState.Decoding;
                var index = batch.Add(job.Decoder.LastToken, job.NextPosition++, (LLamaSeqId)job.SequenceId, true);
                logitOwners.Add((job, index));
                budget--;
                inBatch.Add(job);
                var draft = job.Decoder.Draft();
                if (draft.Count > 0 && draft.Count <= budget)
                {
                    // Grammar-forced tokens ride along; their logits (at index + 1, + 2, …) verify them.
                    drafts ??= [];
                    drafts[job] = ([.. draft], job.NextPosition);
                    foreach (var token in draft)
                    {
                        batch.Add(token, job.NextPosition++, (LLamaSeqId)job.SequenceId, true);
                    }

                    budget -= draft.Count;
                }

                Count(tenantTokens, job, 1 + (drafts?.ContainsKey(job) == true ? draft.Count : 0));
            }
        }

        AddPrefills(batch, ref budget, logitOwners, inBatch, tenantTokens);

        if (batch.TokenCount == 0 && _background is { } background)
        {
            // Idle otherwise: a small chunk, so a request arriving now waits at most one short step.
            AddPrefill(batch, background, Math.Min(budget, Math.Max(1, _options.BackgroundChunkTokens)), logitOwners, inBatch);
        }

        var result = _context.NativeHandle.Decode(batch);
        if (result == DecodeResult.NoKvSlot && _cache.ResidentCells > 0)
        {
            // Out of contiguous cells: give the idle cache's cells back and, if any came back, try once more. (MakeRoom
            // answers whether it freed the cells asked for; asked for "all", it never can, so count what it gave back.)
            var before = _cache.ResidentCells;
            _cache.MakeRoom(int.MaxValue);
            if (_cache.ResidentCells < before)
            {
                result = _context.NativeHandle.Decode(batch);
            }
        }

        Interlocked.Increment(ref _decodeCalls);
        Interlocked.Add(ref _decodedTokens, batch.TokenCount);
        Interlocked.Add(ref _decodedSequences, inBatch.Count);
        _metrics?.DecodeCompleted(inBatch.Count);
        _usage.Record(tenantTokens);
        if (result != DecodeResult.Ok)
        {
            FailStep(result);
            return;
        }

        if (_background is { IsPrefilling: false })
        {
            StopBackground();
        }

        foreach (var (job, index) in logitOwners)
        {
            if (job.PrefillDoneAt == 0)
            {
                job.PrefillDoneAt = Stopwatch.GetTimestamp();
            }

            var finished = job.Decoder.Step(_context.NativeHandle.GetLogitsIth(index));
            if (drafts is not null && drafts.TryGetValue(job, out var d))
            {
                finished = AcceptDraft(job, index, d.Tokens, d.FirstPosition, finished);
            }

            if (finished)
            {
                Finish(job, succeeded: true);
                _active.Remove(job);
                job.Complete();
            }
        }
    }

    /// <summary>Prompt tokens each tenant still has to prefill: its admitted jobs' remaining prompts and its queued jobs'.</summary>
    private Dictionary<string, long> Backlog()
    {
        var backlog = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var job in _active)
        {
            if (!job.IsBackground)
            {
                backlog[job.Tenant] = backlog.GetValueOrDefault(job.Tenant) + job.RemainingPrompt;
            }
        }

        foreach (var (tenant, jobs) in _queue.ByTenant)
        {
            backlog[tenant] = backlog.GetValueOrDefault(tenant) + jobs.Sum(j => (long)j.PromptTokens.Length);
        }

        return backlog;
    }

    /// <summary>
    /// Prefills share what is left of the step: every prefilling sequence first gets a small slice (nobody starves),
    /// then the rest goes shortest-remaining-first (oldest first among equals): a short check is not held back by a
    /// long prompt, and equal-sized checks finish in arrival order instead of all at the end. While several tenants
    /// are active, the ones whose waiting work dwarfs the lightest one's (<see cref="TenantUsage"/>) get at most
    /// <see cref="EngineOptions.SharedStepTokens"/> of a step together, and only of steps without a light tenant's work: a
    /// step stays short, so a light tenant's check waits for at most one short step and is not slowed by a neighbour's
    /// long prompts.
    /// </summary>
    private void AddPrefills(LLama.Native.LLamaBatch batch, ref int budget, List<(SequenceJob Job, int Index)> logitOwners, HashSet<SequenceJob> inBatch, Dictionary<string, int> tenantTokens)
    {
        var prefilling = _active.Where(j => j.IsPrefilling && !j.IsBackground).ToList();
        if (prefilling.Count == 0 || budget <= 0)
        {
            return;
        }

        var heavy = _usage.HeavyTenants(Backlog(), Math.Max(1, _options.BatchSize));
        if (heavy.Count == 0)
        {
            var slice = Math.Min(MinPrefillSlice, Math.Max(1, budget / prefilling.Count));
            foreach (var job in prefilling)
            {
                budget -= Count(tenantTokens, job, AddPrefill(batch, job, Math.Min(slice, budget), logitOwners, inBatch));
            }

            foreach (var job in prefilling.OrderBy(j => j.RemainingPrompt))
            {
                budget -= Count(tenantTokens, job, AddPrefill(batch, job, budget, logitOwners, inBatch));
            }

            return;
        }

        // Light tenants first, shortest remaining first, up to the whole budget.
        foreach (var job in prefilling.Where(j => !heavy.Contains(j.Tenant)).OrderBy(j => j.RemainingPrompt))
        {
            budget -= Count(tenantTokens, job, AddPrefill(batch, job, budget, logitOwners, inBatch));
        }

        // A step that carries a light tenant's work carries no heavy prompt tokens: the light check then costs what it
        // costs alone (plus waiting for one short step). The heavy tenants get every step the light ones leave free (short
        // steps cost little throughput on a bandwidth-bound decode), and full steps again once the others have left. A
        // light tenant that keeps every step busy cannot starve them: every HeavyRideAlongSteps-th step with light work also
        // carries their short share.
        if (inBatch.Any(j => !heavy.Contains(j.Tenant)))
        {
            if (++_heavySkippedSteps < HeavyRideAlongSteps)
            {
                return;
            }
        }

        _heavySkippedSteps = 0;

        // Heavy tenants share a short step's worth, one slice per tenant, each spent on its shortest prompts first: its
        // checks then finish one after another instead of all creeping forward together.
        var heavyBudget = Math.Min(budget, Math.Max(1, _options.SharedStepTokens));
        var heavyJobs = prefilling.Where(j => heavy.Contains(j.Tenant)).OrderBy(j => j.RemainingPrompt).ToList();
        var tenantSlice = Math.Max(1, heavyBudget / Math.Max(1, heavyJobs.Select(j => j.Tenant).Distinct(StringComparer.Ordinal).Count()));
        foreach (var tenantJobs in heavyJobs.GroupBy(j => j.Tenant, StringComparer.Ordinal))
        {
            var slice = Math.Min(tenantSlice, heavyBudget);
            foreach (var job in tenantJobs)
            {
                var added = Count(tenantTokens, job, AddPrefill(batch, job, slice, logitOwners, inBatch));
                slice -= added;
                heavyBudget -= added;
                budget -= added;
            }
        }

        foreach (var job in heavyJobs)
        {
            var added = Count(tenantTokens, job, AddPrefill(batch, job, heavyBudget, logitOwners, inBatch));
            heavyBudget -= added;
            budget -= added;
        }
    }

    private static int Count(Dictionary<string, int> tenantTokens, SequenceJob job, int tokens)
    {
        if (tokens > 0)
        {
            tenantTokens[job.Tenant] = tenantTokens.GetValueOrDefault(job.Tenant) + tokens;
        }

        return tokens;
    }

    /// <summary>
    /// Keeps the draft tokens greedy decoding agrees with (each one's logits then choose the next token) and removes
    /// the rest from the sequence, so the KV and the answer are exactly what one-token steps would have produced.
    /// </summary>
    private bool AcceptDraft(SequenceJob job, int index, int[] draft, int firstPosition, bool finished)
    {
        var accepted = 0;
        while (!finished && accepted < draft.Length && job.Decoder.LastToken == draft[accepted])
        {
            accepted++;
            finished = job.Decoder.Step(_context.NativeHandle.GetLogitsIth(index + accepted));
        }

        if (accepted < draft.Length)
        {
            job.NextPosition = firstPosition + accepted;
            _cache.Truncate(job.SequenceId, job.NextPosition);
        }

        return finished;
    }

    /// <summary>Adds up to <paramref name="limit"/> of a job's remaining prompt tokens; returns how many.</summary>
    private static int AddPrefill(LLama.Native.LLamaBatch batch, SequenceJob job, int limit, List<(SequenceJob Job, int Index)> logitOwners, HashSet<SequenceJob> inBatch)
    {
        var take = Math.Min(limit, job.PromptTokens.Length - job.PrefillCursor);
        if (take <= 0)
        {
            return 0;
        }

        inBatch.Add(job);
        for (var i = 0; i < take; i++)
        {
            var last = job.PrefillCursor + 1 == job.PromptTokens.Length && !job.IsBackground;
            var index = batch.Add(job.PromptTokens[job.PrefillCursor], job.NextPosition++, (LLamaSeqId)job.SequenceId, last);
            job.PrefillCursor++;
            if (last)
            {
                logitOwners.Add((job, index));
            }
        }

        return take;
    }

    private void FailStep(DecodeResult result)
    {
        // A failed decode leaves this step's KV undefined: drop every active sequence (and its branch) rather than guess.
        // No KV slot even after giving back the cache's cells: the context is too fragmented for this step's batch right
        // now (cells are free, but not where llama.cpp needs them). That passes as jobs finish: a retryable 503, not a 500.
        Exception error = result == DecodeResult.NoKvSlot
            ? new EngineUnavailableException("The engine's KV cache has no room for this step right now; retry shortly.")
            : new InvalidOperationException($"llama.cpp decode failed: {result}.");
        LogDecodeFailed(result, _active.Count);
        foreach (var job in _active)
        {
            if (job.Branch is { } branch)
            {
                _cache.DiscardBranch(branch);
                job.Branch = null;
                job.SequenceId = -1;
            }

            Finish(job, succeeded: false);
            job.Fail(error);
        }

        _active.Clear();
        _background = null;
    }

    private void QueueExtension(string branchKey, int[] conversation)
    {
        if (!_options.PreExtendBranches)
        {
            return;
        }

        if (_pendingExtensions.TryAdd(branchKey, conversation))
        {
            _pendingOrder.Enqueue(branchKey);
        }
        else
        {
            _pendingExtensions[branchKey] = conversation;
        }

        // Bounded: only branches the cache could keep are worth extending; the oldest wishes go first.
        while (_pendingExtensions.Count > Math.Max(1, _options.MaxCachedSequences) && _pendingOrder.TryDequeue(out var oldest))
        {
            _pendingExtensions.Remove(oldest);
        }
    }

    /// <summary>
    /// Starts extending an idle conversation branch with the messages its sibling (the other role's branch) saw
    /// last, so the next turn prefills only its own message and the suffix. Uses free cells only: it never evicts
    /// or restores anything, and it gives way to any request.
    /// </summary>
    private void StartBackground()
    {
        while (_pendingOrder.TryDequeue(out var key))
        {
            if (!_pendingExtensions.Remove(key, out var conversation)
                || _cache.PeekIdleBranch(key) is not { HeaderTokens: > 0 } idle
                || idle.Tokens.Length < idle.HeaderTokens)
            {
                continue;
            }

            int[] target = [.. idle.Tokens.AsSpan(0, idle.HeaderTokens), .. conversation];
            var branch = _cache.BorrowIdleBranch(key, target)!;
            var cursor = branch.Tokens.Length;
            var reservation = target.Length - cursor;
            if (reservation <= 0 || reservation > FreeCells)
            {
                _cache.ReturnBranch(branch, branch.Tokens);
                continue;
            }

            var job = SequenceJob.Background(target, key);
            job.Branch = branch;
            job.SequenceId = branch.SequenceId;
            job.CachedTokens = cursor;
            job.PrefillCursor = cursor;
            job.NextPosition = cursor;
            job.ReservedCells = reservation;
            job.State = JobState.Prefilling;
            _reservedCells += reservation;
            _background = job;
            _active.Add(job);
            return;
        }
    }

    /// <summary>Ends the background job between steps; the branch keeps every token prefilled so far (exact KV).</summary>
    private void StopBackground()
    {
        if (_background is not { } job)
        {
            return;
        }

        _background = null;
        _capacityEpoch++;
        _active.Remove(job);
        _reservedCells -= job.ReservedCells;
        job.ReservedCells = 0;
        job.State = JobState.Finished;
        var keep = job.PrefillCursor;
        _cache.Truncate(job.SequenceId, keep);
        _cache.ReturnBranch(job.Branch!, job.PromptTokens[..keep]);
        _cache.Statistics.PreExtendedTokens += keep - job.CachedTokens;
        job.Branch = null;
        job.SequenceId = -1;
    }
}
