using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Core.Policies;
using GuardCluster.Grains.Quotas;
using Microsoft.Extensions.Options;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Grains;

/// <summary>
/// A tenant's keys, policy and quota, persisted. Gateways cache its snapshot; it is not on the classify path.
/// The snapshot carries the quota resolved against this silo's <see cref="TenantLimitDefaults"/>.
/// </summary>
public sealed class TenantGrain(
    [PersistentState("tenant", GuardStorage.Name)] IPersistentState<TenantState> state,
    IOptions<TenantLimitDefaults> defaults,
    IOptions<PolicyLimits> policyLimits) : Grain, ITenantGrain
{
    private string TenantId => this.GetPrimaryKeyString();

    private TenantLimits QuotaOverrides => state.State.Quotas ?? TenantLimits.None;

    private TenantLimits Quota => QuotaOverrides.Or(defaults.Value.ToLimits());

    private ITenantRegistryGrain Registry => GrainFactory.GetGrain<ITenantRegistryGrain>(ITenantRegistryGrain.Key);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Tenants stored before quotas carry the old built-in limits, which they never chose: read them as "not set"
        // so the operator's quota applies. Limits a tenant did change stay as its own (capped by the quota).
        if (state.State.Exists && state.State.Policy.Limits == TenantLimits.Legacy)
        {
            state.State.Policy = state.State.Policy with { Limits = TenantLimits.None };
        }

        if (state.State.Exists)
        {
            // Tenants stored before the registry existed (or whose registration failed) join it when next used.
            await Registry.AddAsync(TenantId, state.State.CreatedAt);
        }
    }

    public async Task<IssuedKey> CreateAsync()
    {
        if (!GuardIds.IsTenantId(TenantId))
        {
            throw new GuardRejectedException(GuardErrorCodes.InvalidTenantId, GuardIds.TenantIdRule, "id", RejectionKind.Invalid);
        }

        if (state.State.Exists)
        {
            throw new GuardRejectedException(GuardErrorCodes.TenantExists, $"Tenant '{TenantId}' already exists.", "id", RejectionKind.Conflict);
        }

        var key = GuardKeys.IssueTenantKey(TenantId);
        var createdAt = DateTimeOffset.UtcNow;

        // Listed before it exists: a failed registration fails the create (nothing stored); a failed store leaves a
        // listed id that GET answers 404 for and that the next create or delete fixes.
        await Registry.AddAsync(TenantId, createdAt);
        await CommitAsync(new TenantState
        {
            Exists = true,
            KeyHashes = [GuardKeys.Hash(key)],
            Policy = TenantPolicy.Initial,
            CreatedAt = createdAt,
            Incarnation = Guid.NewGuid().ToString("N"),
        });
        return new IssuedKey(TenantId, key);
    }

    public Task<TenantSnapshot?> GetAsync()
    {
        if (!state.State.Exists)
        {
            // Gateways look tenants up by the id inside any well-formed key, so forged keys with made-up ids reach
            // here; an activation per made-up id would pile up until idle collection (minutes). Go at once instead.
            DeactivateOnIdle();
            return Task.FromResult<TenantSnapshot?>(null);
        }

        return Task.FromResult<TenantSnapshot?>(Snapshot());
    }

    /// <summary>
    /// Deletes everything the tenant owns: its conversations first (through its index), then its own state. If
    /// deleting the conversations fails, the tenant stays and a retry finishes the job.
    /// </summary>
    public async Task<bool> DeleteAsync()
    {
        if (!state.State.Exists)
        {
            await Registry.RemoveAsync(TenantId); // a leftover of a failed create or delete
            DeactivateOnIdle();
            return false;
        }

        var scope = Snapshot().ConversationScope;
        await GrainFactory.GetGrain<IConversationIndexGrain>(scope).PurgeAsync();
        await state.ClearStateAsync();
        state.State = new TenantState();
        await Registry.RemoveAsync(TenantId);
        DeactivateOnIdle();
        return true;
    }

    public async Task<TenantSnapshot> SetQuotasAsync(TenantLimits overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        EnsureExists();
        TenantLimitsValidator.Validate(overrides);
        var next = state.State.Copy();
        next.Quotas = overrides;
        await CommitAsync(next);
        return Snapshot();
    }

    public async Task<IssuedKey> RotateKeyAsync()
    {
        EnsureExists();
        var key = GuardKeys.IssueTenantKey(TenantId);
        var next = state.State.Copy();
        next.KeyHashes = [GuardKeys.Hash(key)];
        await CommitAsync(next);
        return new IssuedKey(TenantId, key);
    }

    public Task<TenantPolicy> SetPolicyAsync(TenantPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        EnsureExists();
        PolicyValidator.Validate(policy.Policy, policyLimits.Value); // GuardRejectionFilter carries its error across the call
        return StorePolicyAsync(policy);
    }

    public Task<TenantPolicy> UpdatePolicyAsync(PolicyPatch patch, int[]? ifVersions)
    {
        ArgumentNullException.ThrowIfNull(patch);
        EnsureExists();
        var current = state.State.Policy;
        if (ifVersions is not null && !ifVersions.Contains(current.Version))
        {
            throw new GuardRejectedException(
                GuardErrorCodes.PreconditionFailed,
                $"The policy is at version {current.Version}, not the one this update was based on; read it again and retry.",
                null,
                RejectionKind.PreconditionFailed);
        }

        return StorePolicyAsync(patch.ApplyTo(current, policyLimits.Value));
    }

    private async Task<TenantPolicy> StorePolicyAsync(TenantPolicy policy)
    {
        TenantLimitsValidator.Validate(policy.Limits);
        TenantLimitsValidator.ValidateWithinQuota(policy.Limits, Quota);
        var stored = policy with { Version = state.State.Policy.Version + 1 };
        var next = state.State.Copy();
        next.Policy = stored;
        await CommitAsync(next);
        return stored;
    }

    /// <summary>
    /// Writes <paramref name="next"/> as the new state. If the write fails, this activation keeps the state it had, so
    /// it never serves what storage may not hold (a tenant whose key was never handed out, a key that replaced the
    /// working one): the caller gets the error and a retry starts from the stored state.
    /// </summary>
    private async Task CommitAsync(TenantState next)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }

    private TenantSnapshot Snapshot() =>
        new(TenantId, [.. state.State.KeyHashes], state.State.Policy, state.State.CreatedAt, state.State.Incarnation)
        {
            Quota = Quota,
            QuotaOverrides = QuotaOverrides,
        };

    private void EnsureExists()
    {
        if (!state.State.Exists)
        {
            DeactivateOnIdle();
            throw new GuardRejectedException(GuardErrorCodes.TenantNotFound, $"Tenant '{TenantId}' does not exist.", null, RejectionKind.NotFound);
        }
    }
}
