using LLama;
using LLama.Common;
using LLama.Native;

namespace GuardCluster.Engine.Native;

/// <summary>
/// One <see cref="LLamaWeights"/> per model file per process, reference counted: several engines (e.g. one
/// per silo in an in-process test cluster) share the memory-mapped weights instead of loading them again.
/// </summary>
internal sealed class SharedWeights
{
    private static readonly Dictionary<string, SharedWeights> ByPath = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    private readonly string _key;
    private int _refCount;

    private SharedWeights(string key, LLamaWeights weights)
    {
        _key = key;
        Weights = weights;
    }

    public LLamaWeights Weights { get; }

    public static SharedWeights Acquire(EngineOptions options)
    {
        var key = $"{Path.GetFullPath(options.ModelPath)}|gpu={options.GpuLayers}";
        lock (Gate)
        {
            if (!ByPath.TryGetValue(key, out var shared))
            {
                var parameters = new ModelParams(options.ModelPath)
                {
                    GpuLayerCount = options.GpuLayers,
                    LoadMode = LLamaLoadMode.MemoryMap,
                };
                shared = new SharedWeights(key, LLamaWeights.LoadFromFile(parameters));
                ByPath[key] = shared;
            }

            shared._refCount++;
            return shared;
        }
    }

    public void Release()
    {
        lock (Gate)
        {
            if (--_refCount == 0)
            {
                ByPath.Remove(_key);
                Weights.Dispose();
            }
        }
    }
}
