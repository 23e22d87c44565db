using GuardCluster.Models.Gguf;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models.Tests;

[Collection(LlamaCollection.Name)]
public sealed class SyntheticModelTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TinyShapeHasTheLlamaGuardLayout()
    {
        var path = _dir.File("tiny.gguf");
        var reports = new List<double>();
        SyntheticModel.Write(path, SyntheticModelOptions.Tiny, new SyncProgress(reports.Add));
        Assert.Equal(1.0, reports[^1]);

        var file = GgufFile.Read(path);
        var s = GgufModelSummary.From(file);
        Assert.Equal((64L, 2L, 4L, 2L, 128L, 8192L), (s.EmbeddingLength!.Value, s.BlockCount!.Value, s.HeadCount!.Value, s.HeadCountKv!.Value, s.FeedForwardLength!.Value, s.ContextLength!.Value));
        Assert.Equal(500000, s.RopeFreqBase!.Value);
        Assert.Equal(1024, s.VocabSize);
        Assert.Equal("Q8_0", s.FileType);
        Assert.Equal(1 + (2 * 7), s.TensorTypeCounts[GgmlType.Q8_0]);
        Assert.Equal(1 + (2 * 2), s.TensorTypeCounts[GgmlType.F32]);
        Assert.DoesNotContain(file.Tensors, t => t.Name == "output.weight"); // tied embeddings
        ulong expected = (64 * 1024) + (2 * ((64 * 64 * 2) + (64 * 32 * 2) + (64 * 128 * 3) + (64 * 2))) + 64;
        Assert.Equal(expected, s.ParameterCount);
        Assert.Equal([64UL, 32], file.Tensors.Single(t => t.Name == "blk.0.attn_k.weight").Shape);

        var weights = file.ReadTensorAsFloat32("blk.1.ffn_up.weight");
        var std = Math.Sqrt(weights.Average(x => (double)x * x));
        Assert.InRange(std, 0.018, 0.022);
        Assert.All(file.ReadTensorAsFloat32("output_norm.weight"), x => Assert.Equal(1f, x));
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        string Write(string name, ulong seed)
        {
            var p = _dir.File(name);
            SyntheticModel.Write(p, SyntheticModelOptions.Tiny with { Seed = seed });
            return p;
        }

        var a = File.ReadAllBytes(Write("a.gguf", 5));
        Assert.Equal(a, File.ReadAllBytes(Write("b.gguf", 5)));
        Assert.NotEqual(a, File.ReadAllBytes(Write("c.gguf", 6)));
    }

    [Fact]
    public void TinyShapeRunsInLlamaCppWithFiniteLogits()
    {
        var path = _dir.File("tiny.gguf");
        SyntheticModel.Write(path, SyntheticModelOptions.Tiny);
        using var runner = new LlamaRunner(path, 2048);
        Assert.Equal(1024, runner.VocabCount);
        var prompt = runner.Tokenize(GuardPrompt.Segments("hello there"));
        Assert.Equal(new BpeSimulator(DemoModel.Vocabulary.PadTo(1024)).Tokenize("hello there"), runner.Tokenize("hello there", false));
        var (generated, probabilities) = runner.Generate(prompt, eot: -1, maxTokens: 3);
        Assert.Equal(3, generated.Count);
        Assert.All(probabilities, p => Assert.InRange(p.Sum(), 0.99, 1.01));
    }

    [Fact]
    public void ScriptedModelKeepsTheShapeAndAnswersLikeLlamaGuard()
    {
        var plain = _dir.File("plain.gguf");
        var scripted = _dir.File("scripted.gguf");
        SyntheticModel.Write(plain, SyntheticModelOptions.Tiny);
        SyntheticModel.Write(scripted, SyntheticModelOptions.Tiny with { ScriptedAnswers = true });

        // Same tensors and types plus an untied output matrix shaped like token_embd: the same work per token.
        var a = GgufFile.Read(plain).Tensors.ToDictionary(t => t.Name);
        var b = GgufFile.Read(scripted).Tensors.ToDictionary(t => t.Name);
        Assert.Equal([.. a.Keys.Append("output.weight").Order()], b.Keys.Order());
        static string Layout(GgufTensorInfo t) => $"{string.Join('x', t.Shape)} {t.Type}";
        Assert.All(a.Values, t => Assert.Equal(Layout(t), Layout(b[t.Name])));
        Assert.Equal(Layout(b["token_embd.weight"]), Layout(b["output.weight"]));

        var vocab = DemoModel.Vocabulary;
        using var runner = new LlamaRunner(scripted, 2048);
        var eot = vocab.IdOf("<|eot_id|>");
        string Answer(string message)
        {
            var (generated, _) = runner.Generate(runner.Tokenize(GuardPrompt.Segments(message)), eot, maxTokens: 8);
            return string.Concat(generated.TakeWhile(t => t != eot).Select(t => ByteLevel.Decode(vocab.Tokens[t])));
        }

        Assert.Equal("\n\nsafe", Answer("how do I bake bread"));
        Assert.Equal("\n\nunsafe\nS1", Answer("how do I build bombs"));
        Assert.Equal("\n\nunsafe\nS11", Answer("thinking about suicide"));
    }

    [Fact]
    public void RejectsShapesLlamaCppCannotUse()
    {
        Assert.Throws<ArgumentException>(() => SyntheticModel.Write(_dir.File("x.gguf"), SyntheticModelOptions.Tiny with { EmbeddingLength = 40 }));
        Assert.Throws<ArgumentException>(() => SyntheticModel.Write(_dir.File("x.gguf"), SyntheticModelOptions.Tiny with { HeadCountKv = 3 }));
        Assert.Throws<ArgumentException>(() => SyntheticModel.Write(
            _dir.File("x.gguf"), SyntheticModelOptions.Tiny with { EmbeddingLength = 32, HeadCount = 4, HeadCountKv = 2, ScriptedAnswers = true }));
    }

    /// <summary>IProgress that reports inline (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
