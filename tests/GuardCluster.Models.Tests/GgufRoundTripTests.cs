using GuardCluster.Models.Gguf;

namespace GuardCluster.Models.Tests;

public sealed class GgufRoundTripTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MetadataOfEveryTypeRoundTrips()
    {
        var w = new GgufWriter();
        w.Add("u8", GgufValue.From((byte)200));
        w.Add("i8", GgufValue.From((sbyte)-100));
        w.Add("u16", GgufValue.From((ushort)60000));
        w.Add("i16", GgufValue.From((short)-30000));
        w.Add("u32", 4_000_000_000u);
        w.Add("i32", -2_000_000_000);
        w.Add("f32", 1.5f);
        w.Add("bool", true);
        w.Add("str", "héllo\n<|eot_id|>");
        w.Add("u64", GgufValue.From(ulong.MaxValue));
        w.Add("i64", GgufValue.From(long.MinValue));
        w.Add("f64", GgufValue.From(Math.PI));
        w.Add("strs", ["a", "", "Ġkill", "ĊĊ"]);
        w.Add("ints", [1, -2, 3]);
        w.Add("floats", [0.5f, -1e-5f]);
        w.Add("bools", GgufValue.FromArray([true, false]));
        w.Add("nested", GgufValue.FromArray([GgufValue.FromArray([1, 2]), GgufValue.FromArray(["x"])]));
        var path = _dir.File("meta.gguf");
        w.Write(path);

        var f = GgufFile.Read(path);
        Assert.Equal(3u, f.Version);
        Assert.Equal(32u, f.Alignment);
        Assert.Equal((byte)200, f.Metadata["u8"].Value);
        Assert.Equal((sbyte)-100, f.Metadata["i8"].Value);
        Assert.Equal((ushort)60000, f.Metadata["u16"].Value);
        Assert.Equal((short)-30000, f.Metadata["i16"].Value);
        Assert.Equal(4_000_000_000u, f.Metadata["u32"].Value);
        Assert.Equal(-2_000_000_000, f.Metadata["i32"].Value);
        Assert.Equal(1.5f, f.Metadata["f32"].Value);
        Assert.True(f.Metadata["bool"].AsBool());
        Assert.Equal("héllo\n<|eot_id|>", f.Metadata["str"].AsString());
        Assert.Equal(ulong.MaxValue, f.Metadata["u64"].AsUInt64());
        Assert.Equal(long.MinValue, f.Metadata["i64"].AsInt64());
        Assert.Equal(Math.PI, f.Metadata["f64"].AsDouble());
        Assert.Equal(["a", "", "Ġkill", "ĊĊ"], f.Metadata["strs"].AsStringArray());
        Assert.Equal(GgufValueType.String, f.Metadata["strs"].ElementType);
        Assert.Equal([1, -2, 3], f.Metadata["ints"].AsArray<int>());
        Assert.Equal([0.5f, -1e-5f], f.Metadata["floats"].AsArray<float>());
        Assert.Equal([true, false], f.Metadata["bools"].AsArray<bool>());
        var nested = f.Metadata["nested"].AsArray<GgufValue>();
        Assert.Equal([1, 2], nested[0].AsArray<int>());
        Assert.Equal(["x"], nested[1].AsStringArray());
        Assert.Equal("general.alignment", f.MetadataKeys[0]);
        Assert.Equal(18, f.Metadata.Count);
    }

    [Fact]
    public void TensorsRoundTripWithAlignedOffsets()
    {
        var rng = new Random(7);
        var f32 = Enumerable.Range(0, 3 * 5).Select(_ => (float)rng.NextDouble()).ToArray();
        var f16 = Enumerable.Range(0, 7).Select(i => i * 0.25f).ToArray();
        var q8 = Enumerable.Range(0, 64 * 3).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var w = new GgufWriter();
        w.AddTensorF32("a", [3, 5], f32);
        w.AddTensorF16("b", [7], f16);
        w.AddTensorQ8_0("c", [64, 3], q8);
        w.AddTensor("d", [32, 2, 1, 1], GgmlType.Q8_0, s => s.Write(new byte[2 * 34]));
        var path = _dir.File("tensors.gguf");
        w.Write(path);

        var f = GgufFile.Read(path);
        Assert.Equal(["a", "b", "c", "d"], f.Tensors.Select(t => t.Name));
        Assert.Equal([3UL, 5], f.Tensors[0].Shape);
        Assert.Equal([GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q8_0], f.Tensors.Select(t => t.Type));
        Assert.Equal([0UL, 64, 96, 320], f.Tensors.Select(t => t.Offset));
        Assert.Equal(0, f.DataOffset % 32);
        Assert.Equal(f.DataOffset + 320 + 68, f.FileSizeBytes - 28); // last tensor padded to the alignment
        Assert.Equal(f32, f.ReadTensorAsFloat32("a"));
        Assert.Equal(f16, f.ReadTensorAsFloat32("b"));

        var back = f.ReadTensorAsFloat32("c");
        for (var block = 0; block < q8.Length / 32; block++)
        {
            var slice = q8.AsSpan(block * 32, 32);
            var d = slice.ToArray().Max(MathF.Abs) / 127f;
            for (var i = 0; i < 32; i++)
            {
                Assert.InRange(back[(block * 32) + i] - slice[i], -(d * 0.5f) - 1e-3f, (d * 0.5f) + 1e-3f);
            }
        }
    }

    [Fact]
    public void ProducerWritingTheWrongSizeFails()
    {
        var w = new GgufWriter();
        w.AddTensor("t", [32], GgmlType.F32, s => s.Write(new byte[10]));
        Assert.Throws<InvalidOperationException>(() => w.WriteTo(new MemoryStream()));
        var over = new GgufWriter();
        over.AddTensor("t", [4], GgmlType.F32, s => s.Write(new byte[20]));
        Assert.Throws<InvalidOperationException>(() => over.WriteTo(new MemoryStream()));
    }

    [Fact]
    public void Q8_0MatchesGgmlReference()
    {
        var x = new float[32];
        x[0] = -1.27f;
        x[1] = 0.005f;
        x[2] = 0.015f;
        var q = Q8_0.Quantize(x);
        Assert.Equal(34, q.Length);
        Assert.Equal((Half)0.01f, BitConverter.ToHalf(q, 0));
        Assert.Equal(unchecked((byte)(sbyte)-127), q[2]);
        Assert.Equal(1, q[3]); // 0.5 rounds away from zero like roundf
        Assert.Equal(2, q[4]);
    }
}
