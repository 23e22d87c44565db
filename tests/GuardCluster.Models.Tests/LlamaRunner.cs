using LLama;
using LLama.Common;
using LLama.Native;

namespace GuardCluster.Models.Tests;

/// <summary>Loads a GGUF file in real llama.cpp (LLamaSharp, CPU) and runs greedy decoding.</summary>
internal sealed class LlamaRunner : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;

    public LlamaRunner(string path, uint contextSize = 8192)
    {
        var p = new ModelParams(path)
        {
            ContextSize = contextSize,
            BatchSize = contextSize,
            UBatchSize = 512,
            GpuLayerCount = 0,
            LoadMode = LLamaLoadMode.MemoryMap,
            Threads = 1,
            BatchThreads = 1,
        };
        _weights = LLamaWeights.LoadFromFile(p);
        _context = _weights.CreateContext(p);
    }

    public int VocabCount => _weights.Vocab.Count;

    public int[] Tokenize(string text, bool special) => [.. _context.Tokenize(text, addBos: false, special: special).Select(t => (int)t)];

    public int[] Tokenize(IEnumerable<(string Text, bool Special)> segments) => [.. segments.SelectMany(s => Tokenize(s.Text, s.Special))];

    /// <summary>Feeds the prompt, then greedily generates up to <paramref name="maxTokens"/> tokens (stops at eot).</summary>
    /// <returns>Generated ids and the softmax distribution after each step's input.</returns>
    public (List<int> Generated, List<float[]> Probabilities) Generate(IReadOnlyList<int> prompt, int eot, int maxTokens = 8)
    {
        _context.NativeHandle.MemoryClear();
        var generated = new List<int>();
        var probabilities = new List<float[]>();
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Count; i++)
        {
            batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
        }

        var pos = prompt.Count;
        while (generated.Count < maxTokens)
        {
            Assert.Equal(DecodeResult.Ok, _context.Decode(batch));
            var probs = Softmax(_context.NativeHandle.GetLogitsIth(batch.TokenCount - 1));
            probabilities.Add(probs);
            var next = Array.IndexOf(probs, probs.Max());
            generated.Add(next);
            if (next == eot)
            {
                break;
            }

            batch.Clear();
            batch.Add(next, pos++, LLamaSeqId.Zero, true);
        }

        return (generated, probabilities);
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    private static float[] Softmax(Span<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            Assert.True(float.IsFinite(l), "logit is not finite");
            max = Math.Max(max, l);
        }

        var exp = new double[logits.Length];
        var sum = 0d;
        for (var i = 0; i < logits.Length; i++)
        {
            exp[i] = Math.Exp(logits[i] - max);
            sum += exp[i];
        }

        return [.. exp.Select(e => (float)(e / sum))];
    }
}
