using System.Collections.Concurrent;
using GuardCluster.Bench.Systems;

namespace GuardCluster.Bench.Baselines;

/// <summary>
/// Runs a synchronous baseline on one dedicated thread, as the engine runs its context on its own thread.
/// llama.cpp's OpenMP keeps a worker team per calling thread; calling from whichever thread an await resumed on
/// leaves teams spinning against each other on a small machine and made the naive baseline several times slower
/// than it really is. One fixed thread per baseline gives it the same conditions as the engine.
/// </summary>
public sealed class BaselineThread : IGuardSystem, IDisposable
{
    private readonly IGuardSystem _inner;
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public BaselineThread(IGuardSystem inner)
    {
        _inner = inner;
        _thread = new Thread(() =>
        {
            foreach (var item in _work.GetConsumingEnumerable())
            {
                item();
            }
        })
        { IsBackground = true, Name = "bench-baseline" };
        _thread.Start();
    }

    public string Name => _inner.Name;

    public Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<CheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                // Baselines complete synchronously; GetAwaiter().GetResult() only unwraps.
                done.SetResult(_inner.CheckAsync(check, cancellationToken).GetAwaiter().GetResult());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
        (_inner as IDisposable)?.Dispose();
    }
}
