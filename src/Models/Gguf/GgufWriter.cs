using System.Runtime.InteropServices;
using System.Text;

namespace GuardCluster.Models.Gguf;

/// <summary>
/// GGUF v3 writer. Metadata and tensor infos are collected first; tensor bytes come from producer callbacks that
/// run one at a time during <see cref="Write(string, IProgress{double}?)"/>, so a large model streams to disk
/// instead of being held in memory.
/// </summary>
public sealed class GgufWriter
{
    public const uint Version = 3;
    public const uint DefaultAlignment = 32;
    private const uint Magic = 0x46554747; // "GGUF" little-endian

    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    public GgufWriter(uint alignment = DefaultAlignment)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), "alignment must be a power of two");
        }

        Alignment = alignment;
        Add("general.alignment", GgufValue.From(alignment));
    }

    public uint Alignment { get; }

    public int TensorCount => _tensors.Count;

    public void Add(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"duplicate metadata key '{key}'", nameof(key));
        }

        _metadata.Add(new(key, value));
    }

    public void Add(string key, string value) => Add(key, GgufValue.From(value));

    public void Add(string key, uint value) => Add(key, GgufValue.From(value));

    public void Add(string key, int value) => Add(key, GgufValue.From(value));

    public void Add(string key, float value) => Add(key, GgufValue.From(value));

    public void Add(string key, bool value) => Add(key, GgufValue.From(value));

    public void Add(string key, string[] values) => Add(key, GgufValue.FromArray(values));

    public void Add(string key, int[] values) => Add(key, GgufValue.FromArray(values));

    public void Add(string key, float[] values) => Add(key, GgufValue.FromArray(values));

    /// <summary>Registers a tensor; <paramref name="writeData"/> must write exactly its byte size when called.</summary>
    public void AddTensor(string name, IReadOnlyList<ulong> shape, GgmlType type, Action<Stream> writeData)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(writeData);
        if (shape.Count is < 1 or > 4)
        {
            throw new ArgumentException("a tensor has 1 to 4 dimensions", nameof(shape));
        }

        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"duplicate tensor '{name}'", nameof(name));
        }

        _tensors.Add(new PendingTensor(name, [.. shape], type, GgmlTypeInfo.ByteSize(type, shape), writeData));
    }

    public void AddTensorF32(string name, IReadOnlyList<ulong> shape, float[] data) =>
        AddTensor(name, CheckCount(shape, data), GgmlType.F32, s => s.Write(MemoryMarshal.AsBytes(data.AsSpan())));

    public void AddTensorF16(string name, IReadOnlyList<ulong> shape, float[] data) =>
        AddTensor(name, CheckCount(shape, data), GgmlType.F16, s =>
        {
            var halves = Array.ConvertAll(data, f => (Half)f);
            s.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
        });

    public void AddTensorQ8_0(string name, IReadOnlyList<ulong> shape, float[] data) =>
        AddTensor(name, CheckCount(shape, data), GgmlType.Q8_0, s => s.Write(Q8_0.Quantize(data)));

    public void Write(string path, IProgress<double>? progress = null)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(file, progress);
    }

    /// <summary>Writes the whole file to <paramref name="stream"/>; progress reports the fraction of tensor bytes written.</summary>
    public void WriteTo(Stream stream, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("GGUF writer assumes a little-endian machine");
        }

        var offsets = new ulong[_tensors.Count];
        ulong dataSize = 0;
        for (var i = 0; i < _tensors.Count; i++)
        {
            offsets[i] = dataSize;
            dataSize = Align(dataSize + _tensors[i].ByteSize, Alignment);
        }

        // The header (a few MB at most, even with a full vocabulary) is built in memory so its padded size is known.
        using (var header = new MemoryStream())
        {
            using (var w = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
            {
                WriteHeader(w, offsets);
            }

            header.Write(new byte[Align((ulong)header.Length, Alignment) - (ulong)header.Length]);
            header.Position = 0;
            header.CopyTo(stream);
        }

        var written = 0UL;
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            var counter = new CountingStream(stream, (long)t.ByteSize);
            t.WriteData(counter);
            if ((ulong)counter.Written != t.ByteSize)
            {
                throw new InvalidOperationException($"tensor '{t.Name}' producer wrote {counter.Written} bytes, expected {t.ByteSize}");
            }

            written += t.ByteSize;
            var next = i + 1 < _tensors.Count ? offsets[i + 1] : dataSize;
            stream.Write(new byte[next - offsets[i] - t.ByteSize]);
            progress?.Report(dataSize == 0 ? 1 : (double)written / dataSize);
        }

        stream.Flush();
    }

    private void WriteHeader(BinaryWriter w, ulong[] offsets)
    {
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value);
        }

        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            WriteString(w, t.Name);
            w.Write((uint)t.Shape.Length);
            foreach (var d in t.Shape)
            {
                w.Write(d);
            }

            w.Write((uint)t.Type);
            w.Write(offsets[i]);
        }
    }

    internal static ulong Align(ulong value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private static ulong[] CheckCount(IReadOnlyList<ulong> shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        var count = shape.Aggregate(1UL, (n, d) => checked(n * d));
        return count == (ulong)data.Length
            ? [.. shape]
            : throw new ArgumentException($"shape holds {count} elements but {data.Length} values were given", nameof(data));
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValue value)
    {
        if (value.IsArray)
        {
            var items = (Array)value.Value;
            w.Write((uint)value.ElementType);
            w.Write((ulong)items.Length);
            foreach (var item in items)
            {
                if (value.ElementType == GgufValueType.Array)
                {
                    var nested = (GgufValue)item!;
                    WriteValue(w, nested);
                }
                else
                {
                    WriteScalar(w, value.ElementType, item!);
                }
            }

            return;
        }

        WriteScalar(w, value.Type, value.Value);
    }

    private static void WriteScalar(BinaryWriter w, GgufValueType type, object v)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)v); break;
            case GgufValueType.Int8: w.Write((sbyte)v); break;
            case GgufValueType.UInt16: w.Write((ushort)v); break;
            case GgufValueType.Int16: w.Write((short)v); break;
            case GgufValueType.UInt32: w.Write((uint)v); break;
            case GgufValueType.Int32: w.Write((int)v); break;
            case GgufValueType.Float32: w.Write((float)v); break;
            case GgufValueType.Bool: w.Write((bool)v ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)v); break;
            case GgufValueType.UInt64: w.Write((ulong)v); break;
            case GgufValueType.Int64: w.Write((long)v); break;
            case GgufValueType.Float64: w.Write((double)v); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a scalar GGUF type");
        }
    }

    private sealed record PendingTensor(string Name, ulong[] Shape, GgmlType Type, ulong ByteSize, Action<Stream> WriteData);
}
