using System.Buffers.Binary;
using GuardCluster.Models.Gguf;

namespace GuardCluster.Models.Tests;

public sealed class GgufReaderRobustnessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void GarbageIsRejected(byte[] bytes) => AssertRejected(bytes, "magic");

    [Fact]
    public void EveryTruncationIsRejected()
    {
        var bytes = DemoModel.GetBytes().ToArray();
        Assert.NotNull(GgufFile.Read(Save(bytes)));
        var rng = new Random(3);
        var cuts = Enumerable.Range(0, 400).Concat(Enumerable.Range(0, 300).Select(_ => rng.Next(bytes.Length))).Append(bytes.Length - 1);
        foreach (var cut in cuts)
        {
            AssertRejected(bytes[..cut], null);
        }
    }

    [Fact]
    public void AbsurdLengthsFailFastWithoutAllocating()
    {
        var header = Header(tensors: 0, kvs: 1);
        AssertRejected([.. header, .. U64(ulong.MaxValue / 2), .. new byte[16]], "string length"); // key length
        AssertRejected([.. header, .. Str("k"), .. U32(9), .. U32(8), .. U64(1UL << 60)], "count");       // array count
        AssertRejected([.. Header(tensors: 1UL << 62, kvs: 0)], "count");                 // tensor count
        AssertRejected([.. header, .. Str("k"), .. U32(99)], "unknown value type");
        AssertRejected([.. Header(tensors: 1, kvs: 0), .. Str("t"), .. U32(2), .. U64(32), .. U64(1), .. U32(8), .. U64(0)], "beyond the end");
        AssertRejected([.. Header(tensors: 1, kvs: 0), .. Str("t"), .. U32(9), .. new byte[80]], "dimensions");
        AssertRejected([.. Header(tensors: 1, kvs: 0), .. Str("t"), .. U32(1), .. U64(32), .. U32(77), .. U64(0)], "unknown ggml type");
    }

    private void AssertRejected(byte[] bytes, string? reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => GgufFile.Read(Save(bytes)));
        Assert.StartsWith("not a GGUF file: ", e.Message, StringComparison.Ordinal);
        if (reason is not null)
        {
            Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        }
    }

    private string Save(byte[] bytes)
    {
        var path = _dir.File("f.gguf");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Header(ulong tensors, ulong kvs) => [.. "GGUF"u8, .. U32(3), .. U64(tensors), .. U64(kvs)];

    private static byte[] Str(string s) => [.. U64((ulong)s.Length), .. System.Text.Encoding.UTF8.GetBytes(s)];

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return b;
    }
}
