using GuardCluster.Contracts;
using GuardCluster.Gateway.Routing;
using Orleans.Runtime;

namespace GuardCluster.Gateway.Tests.Unit;

public sealed class TransientRetryTests
{
    [Fact]
    public async Task A_transient_cluster_error_is_retried_once()
    {
        var calls = 0;
        var result = await TransientRetry.OnceAsync(
            () => ++calls == 1 ? throw new SiloUnavailableException("gone") : Task.FromResult(42), CancellationToken.None);
        Assert.Equal(42, result);
        Assert.Equal(2, calls);

        calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => TransientRetry.OnceAsync<int>(
            () => { calls++; throw new TimeoutException(); }, CancellationToken.None));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Answers_and_client_cancellations_are_not_retried()
    {
        var calls = 0;
        await Assert.ThrowsAsync<GuardRejectedException>(() => TransientRetry.OnceAsync<int>(
            () => { calls++; throw new GuardRejectedException(); }, CancellationToken.None));
        Assert.Equal(1, calls);

        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        calls = 0;
        await Assert.ThrowsAsync<OperationCanceledException>(() => TransientRetry.OnceAsync<int>(
            () => { calls++; throw new OperationCanceledException(); }, aborted.Token));
        Assert.Equal(1, calls);
    }
}
