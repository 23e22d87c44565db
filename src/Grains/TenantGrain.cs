using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core;
using GuardCluster.Core.Policies;

namespace GuardCluster.Grains;

/// <summary>A tenant's keys and policy, persisted. Gateways cache its snapshot; it is not on the classify path.</summary>
public sealed class TenantGrain(
    [PersistentState("tenant", GuardStorage.Name)] IPersistentState<TenantState> state) : Grain, ITenantGrain
{
    private string TenantId => this.GetPrimaryKeyString();

    public async Task<IssuedKey> CreateAsync()
    {
        if (!TenantIds.IsValid(TenantId))
        {
            throw new GuardRejectedException("invalid_tenant_id", "Tenant ids are 1-63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit.", "id", RejectionKind.Invalid);
        }

        if (state.State.Exists)
        {
            throw new GuardRejectedException("tenant_exists", $"Tenant '{TenantId}' already exists.", "id", RejectionKind.Conflict);
        }

        var key = ApiKeys.Issue(TenantId);
        state.State = new TenantState
        {
            Exists = true,
            KeyHashes = [ApiKeys.Hash(key)],
            Policy = TenantPolicy.Initial,
            CreatedAt = DateTimeOffset.UtcNow,
            Incarnation = Guid.NewGuid().ToString("N"),
        };
        await state.WriteStateAsync();
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

        return Task.FromResult<TenantSnapshot?>(
            new TenantSnapshot(TenantId, [.. state.State.KeyHashes], state.State.Policy, state.State.CreatedAt, state.State.Incarnation));
    }

    public async Task<bool> DeleteAsync()
    {
        if (!state.State.Exists)
        {
            return false;
        }

        await state.ClearStateAsync();
        state.State = new TenantState();
        return true;
    }

    public async Task<IssuedKey> RotateKeyAsync()
    {
        EnsureExists();
        var key = ApiKeys.Issue(TenantId);
        state.State.KeyHashes = [ApiKeys.Hash(key)];
        await state.WriteStateAsync();
        return new IssuedKey(TenantId, key);
    }

    public async Task<TenantPolicy> SetPolicyAsync(TenantPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        EnsureExists();
        try
        {
            PolicyValidator.Validate(policy.Policy);
        }
        catch (GuardValidationException error)
        {
            throw GuardRejectedException.From(error);
        }

        TenantLimitsValidator.Validate(policy.Limits);
        var stored = policy with { Version = state.State.Policy.Version + 1 };
        var previous = state.State.Policy;
        state.State.Policy = stored;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Policy = previous;
            throw;
        }

        return stored;
    }

    private void EnsureExists()
    {
        if (!state.State.Exists)
        {
            throw new GuardRejectedException("tenant_not_found", $"Tenant '{TenantId}' does not exist.", null, RejectionKind.NotFound);
        }
    }
}
