using System.Diagnostics;
using GuardCluster.Models.Gguf;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models.Tests;

public sealed class DemoModelTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void VocabularyHasTheScriptedAndCodeTokens()
    {
        var vocab = DemoModel.Vocabulary;
        var simulator = new BpeSimulator(vocab);
        foreach (var text in new[] { "\n\n", "safe", "unsafe", "\n", "S", "1", "10", "11", "12", "13" })
        {
            Assert.Equal([vocab.IdOfText(text)], simulator.Tokenize(text));
        }

        for (var code = 1; code <= 13; code++)
        {
            Assert.Equal(2, simulator.Tokenize($"S{code}").Count);
        }

        Assert.Equal(9, DemoModel.ScriptedTokens.Count);
        Assert.Equal(Enumerable.Range(1, 9), DemoModel.ScriptedTokens.Select(s => s.ResidualDim));
    }

    [Fact]
    public void EveryDangerSpellingIsOneTokenButNoDefaultPromptWordIs()
    {
        var simulator = new BpeSimulator(DemoModel.Vocabulary);
        foreach (var (code, words) in DemoModel.DangerWords)
        {
            foreach (var word in words)
            {
                var spellings = word == "hate" ? new[] { word, " " + word } : [word, " " + word, char.ToUpperInvariant(word[0]) + word[1..]];
                foreach (var s in spellings)
                {
                    var ids = simulator.Tokenize(s);
                    Assert.Single(ids);
                    Assert.Equal(code, DemoModel.DangerTokenIds[ids[0]]);
                }
            }
        }

        var prompt = simulator.Tokenize(GuardPrompt.PlainMiddle("hello"));
        Assert.DoesNotContain(prompt, DemoModel.DangerTokenIds.ContainsKey);
        Assert.DoesNotContain(simulator.Tokenize(" Hate Hate"), DemoModel.DangerTokenIds.ContainsKey);
    }

    [Fact]
    public void GeneratesSmallDeterministicLlamaFileQuickly()
    {
        var path = _dir.File("demo.gguf");
        var sw = Stopwatch.StartNew();
        DemoModel.Write(path);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
        Assert.True(new FileInfo(path).Length < 1_000_000);

        var s = GgufModelSummary.Read(path);
        Assert.Equal("llama", s.Architecture);
        Assert.Equal((16L, 1L, 1L, 1L, 16L, 8192L), (s.EmbeddingLength!.Value, s.BlockCount!.Value, s.HeadCount!.Value, s.HeadCountKv!.Value, s.FeedForwardLength!.Value, s.ContextLength!.Value));
        Assert.Equal(1e10, s.RopeFreqBase!.Value, 1e3);
        Assert.Equal(("gpt2", "llama-bpe"), (s.TokenizerModel, s.TokenizerPre));
        Assert.Equal(DemoModel.Vocabulary.Count, s.VocabSize);
        Assert.Equal("F32", s.FileType);
        Assert.Equal(12, s.TensorTypeCounts[GgmlType.F32]);
        Assert.Contains("output.weight", GgufFile.Read(path).Tensors.Select(t => t.Name));
        Assert.Contains("BEGIN UNSAFE CONTENT CATEGORIES", s.ChatTemplate, StringComparison.Ordinal);
        Assert.Contains(s.ToDisplayLines(), l => l.StartsWith("architecture:", StringComparison.Ordinal) && l.EndsWith("llama", StringComparison.Ordinal));

        var meta = GgufFile.Read(path).Metadata;
        Assert.Equal(DemoModel.BeginOfTextId, meta["tokenizer.ggml.bos_token_id"].AsInt64());
        Assert.Equal(DemoModel.EotId, meta["tokenizer.ggml.eos_token_id"].AsInt64());
        Assert.False(meta["tokenizer.ggml.add_bos_token"].AsBool());
        Assert.Equal(File.ReadAllBytes(path), DemoModel.GetBytes().ToArray());
    }

    [Fact]
    public void EnsureCachedWritesOnceAndRepairsBadFiles()
    {
        var path = DemoModel.EnsureCached(_dir.Path);
        Assert.Equal(Path.Combine(_dir.Path, DemoModel.FileName), path);
        var written = File.GetLastWriteTimeUtc(path);
        Assert.Equal(path, DemoModel.EnsureCached(_dir.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));

        File.WriteAllText(path, "stale");
        DemoModel.EnsureCached(_dir.Path);
        Assert.Equal(DemoModel.GetBytes().ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir.Path)); // no temp files left behind
    }

    [Fact]
    public void EnsureCachedIsSafeUnderConcurrentCallers()
    {
        var paths = new string[16];
        Parallel.For(0, paths.Length, i => paths[i] = DemoModel.EnsureCached(_dir.Path));
        Assert.Single(paths.Distinct());
        Assert.Equal(DemoModel.GetBytes().ToArray(), File.ReadAllBytes(paths[0]));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }
}
