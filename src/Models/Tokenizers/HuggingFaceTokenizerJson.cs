using System.Text.Json;

namespace GuardCluster.Models.Tokenizers;

/// <summary>Loads a Hugging Face <c>tokenizer.json</c> with a byte-level BPE model (e.g. Llama 3's 128256 tokens).</summary>
public static class HuggingFaceTokenizerJson
{
    public static BpeVocabulary Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: no model.vocab object (not a BPE tokenizer.json)");
        }

        var byId = new SortedDictionary<int, (string Text, LlamaTokenType Type)>();
        foreach (var entry in vocab.EnumerateObject())
        {
            byId[entry.Value.GetInt32()] = (entry.Name, LlamaTokenType.Normal);
        }

        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in added.EnumerateArray())
            {
                var special = t.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                byId[t.GetProperty("id").GetInt32()] = (t.GetProperty("content").GetString()!, special ? LlamaTokenType.Control : LlamaTokenType.UserDefined);
            }
        }

        var count = byId.Count == 0 ? 0 : byId.Keys.Max() + 1;
        if (byId.Count != count || byId.Keys.Min() != 0)
        {
            throw new InvalidDataException($"{path}: token ids are not contiguous from 0 ({byId.Count} tokens, max id {count - 1})");
        }

        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var m))
        {
            foreach (var merge in m.EnumerateArray())
            {
                // Older files write "a b"; newer ones write ["a", "b"].
                merges.Add(merge.ValueKind == JsonValueKind.String
                    ? merge.GetString()!
                    : $"{merge[0].GetString()} {merge[1].GetString()}");
            }
        }

        return new BpeVocabulary([.. byId.Values.Select(v => v.Text)], [.. byId.Values.Select(v => v.Type)], merges);
    }
}
