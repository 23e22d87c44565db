using System.Text;

namespace GuardCluster.Models.Tokenizers;

/// <summary>GPT-2's byte-to-unicode map: every byte gets a printable character, so byte-level BPE tokens are text.</summary>
public static class ByteLevel
{
    private static readonly char[] ByteToChar = BuildTable();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>UTF-8 bytes of <paramref name="text"/> written as byte-level characters (" kill" → "Ġkill").</summary>
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, (span, b) =>
        {
            for (var i = 0; i < b.Length; i++)
            {
                span[i] = ByteToChar[b[i]];
            }
        });
    }

    public static string Decode(string byteLevel)
    {
        ArgumentNullException.ThrowIfNull(byteLevel);
        return Encoding.UTF8.GetString([.. byteLevel.Select(c => CharToByte.TryGetValue(c, out var b) ? b : (byte)'?')]);
    }

    private static char[] BuildTable()
    {
        // Printable Latin-1 bytes map to themselves; the rest are shifted to U+0100 and up, in byte order.
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }
}
