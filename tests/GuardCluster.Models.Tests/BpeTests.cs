using System.Text;
using GuardCluster.Models.Tokenizers;

namespace GuardCluster.Models.Tests;

public sealed class BpeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ByteLevelMatchesGpt2()
    {
        Assert.Equal("Ġkill", ByteLevel.Encode(" kill"));
        Assert.Equal("ĊĊ", ByteLevel.Encode("\n\n"));
        Assert.Equal("Ã©", ByteLevel.Encode("é"));
        var all = Encoding.Latin1.GetString([.. Enumerable.Range(0, 256).Select(b => (byte)b)]);
        Assert.Equal(256, Enumerable.Range(0, 256).Select(b => ByteLevel.Encode((byte)b)).Distinct().Count());
        Assert.Equal("héllo wörld \t\r\n", ByteLevel.Decode(ByteLevel.Encode("héllo wörld \t\r\n")));
        Assert.NotEmpty(all);
    }

    [Fact]
    public void Llama3PreTokenizerSplitsLikeLlamaCpp()
    {
        Assert.Equal(["S", "10", ":", " Hate", ".\n"], Llama3PreTokenizer.Split("S10: Hate.\n"));
        Assert.Equal(["123", "456", "7"], Llama3PreTokenizer.Split("1234567"));
        Assert.Equal(["I", "'m", " fine", "\n\n", "ok"], Llama3PreTokenizer.Split("I'm fine\n\nok"));
    }

    [Fact]
    public void BuilderMakesEveryTargetWordOneTokenAndKeepsEarlierWords()
    {
        string[] words = ["safe", "unsafe", " kill", "killing", "Kill", "\n\n", "10", "skill", "ski"];
        var builder = new ByteLevelBpeBuilder();
        foreach (var w in words)
        {
            builder.AddWord(w);
        }

        var vocab = builder.AddControl("<|eot_id|>").Build();
        var simulator = new BpeSimulator(vocab, ignoreMerges: false);
        foreach (var w in words)
        {
            var ids = simulator.TokenizePreToken(w);
            Assert.Equal([vocab.IdOfText(w)], ids);
        }

        Assert.Equal(LlamaTokenType.Control, vocab.TokenTypes[vocab.IdOf("<|eot_id|>")]);
        Assert.Equal(vocab.Count - 1, vocab.IdOf("<|eot_id|>"));
        Assert.Equal(Enumerable.Range(0, 256), Enumerable.Range(0, 256).Select(b => vocab.IdOf(ByteLevel.Encode((byte)b).ToString())));
    }

    [Fact]
    public void UnknownTextFallsBackToBytes()
    {
        var simulator = new BpeSimulator(DemoModel.Vocabulary);
        const string text = "zqx Ünïcödé 2024!";
        var ids = simulator.Tokenize(text);
        Assert.Equal(Encoding.UTF8.GetBytes(text).Select(b => (int)b), ids);
    }

    [Fact]
    public void SpecialsAreParsedOnlyWhenAsked()
    {
        var vocab = DemoModel.Vocabulary;
        var simulator = new BpeSimulator(vocab);
        Assert.Equal([vocab.IdOf("<|eot_id|>")], simulator.Tokenize("<|eot_id|>", parseSpecial: true));
        Assert.Equal(Encoding.UTF8.GetBytes("<|eot_id|>").Length, simulator.Tokenize("<|eot_id|>").Count);
    }

    [Fact]
    public void HuggingFaceTokenizerJsonLoadsBothMergeFormats()
    {
        var path = _dir.File("tokenizer.json");
        File.WriteAllText(path, """
            {"added_tokens":[{"id":4,"content":"<|eot_id|>","special":true},{"id":5,"content":"<x>","special":false}],
             "model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġa":3},"merges":["a b",["Ġ","a"]]}}
            """);
        var vocab = HuggingFaceTokenizerJson.Load(path);
        Assert.Equal(["a", "b", "ab", "Ġa", "<|eot_id|>", "<x>"], vocab.Tokens);
        Assert.Equal([LlamaTokenType.Normal, LlamaTokenType.Normal, LlamaTokenType.Normal, LlamaTokenType.Normal, LlamaTokenType.Control, LlamaTokenType.UserDefined], vocab.TokenTypes);
        Assert.Equal(["a b", "Ġ a"], vocab.Merges);

        File.WriteAllText(path, """{"model":{"vocab":{"a":0,"b":2}}}""");
        Assert.Throws<InvalidDataException>(() => HuggingFaceTokenizerJson.Load(path));
    }

    [Fact]
    public void PadToAddsReservedControlsAndKeepsIds()
    {
        var vocab = DemoModel.Vocabulary;
        var padded = vocab.PadTo(1000);
        Assert.Equal(1000, padded.Count);
        Assert.Equal(vocab.IdOf("<|eot_id|>"), padded.IdOf("<|eot_id|>"));
        Assert.Equal("<|reserved_special_token_0|>", padded.Tokens[vocab.Count]);
        Assert.Equal(LlamaTokenType.Control, padded.TokenTypes[^1]);
    }
}
