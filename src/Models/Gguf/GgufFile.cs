namespace GuardCluster.Models.Gguf;

/// <summary>A GGUF file's header: metadata and tensor infos (tensor data is not read).</summary>
public sealed class GgufFile
{
    private const uint Magic = 0x46554747;
    private const int MaxDims = 4;

    private GgufFile(string path, uint version, long fileSize, uint alignment, long dataOffset,
        IReadOnlyDictionary<string, GgufValue> metadata, IReadOnlyList<string> keys, IReadOnlyList<GgufTensorInfo> tensors)
    {
        Path = path;
        Version = version;
        FileSizeBytes = fileSize;
        Alignment = alignment;
        DataOffset = dataOffset;
        Metadata = metadata;
        MetadataKeys = keys;
        Tensors = tensors;
    }

    public string Path { get; }

    public uint Version { get; }

    public long FileSizeBytes { get; }

    public uint Alignment { get; }

    /// <summary>Absolute file offset of the tensor data section (tensor offsets are relative to it).</summary>
    public long DataOffset { get; }

    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>Metadata keys in file order.</summary>
    public IReadOnlyList<string> MetadataKeys { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public GgufValue? Get(string key) => Metadata.TryGetValue(key, out var v) ? v : null;

    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var r = new GgufHeaderReader(stream, path);
        if (r.Remaining < 24 || r.ReadUInt32() != Magic)
        {
            throw r.Error("missing GGUF magic");
        }

        var version = r.ReadUInt32();
        if (version is not (2 or 3))
        {
            throw r.Error($"unsupported GGUF version {version}");
        }

        var tensorCount = r.ReadUInt64();
        var kvCount = r.ReadUInt64();
        r.CheckCount(kvCount, 12, "metadata");
        r.CheckCount(tensorCount, 32, "tensor infos");

        var metadata = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        var keys = new List<string>();
        for (var i = 0UL; i < kvCount; i++)
        {
            var key = r.ReadString("metadata key");
            var value = r.ReadValue((GgufValueType)r.ReadUInt32(), key);
            if (!metadata.TryAdd(key, value))
            {
                throw r.Error($"duplicate metadata key '{key}'");
            }

            keys.Add(key);
        }

        var alignment = metadata.TryGetValue("general.alignment", out var a) && a.Type == GgufValueType.UInt32 ? (uint)a.Value : GgufWriter.DefaultAlignment;
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw r.Error($"general.alignment {alignment} is not a power of two");
        }

        var tensors = new List<GgufTensorInfo>();
        for (var i = 0UL; i < tensorCount; i++)
        {
            tensors.Add(ReadTensorInfo(r, alignment));
        }

        var dataOffset = (long)GgufWriter.Align((ulong)r.Position, alignment);
        var file = new GgufFile(path, version, stream.Length, alignment, dataOffset, metadata, keys, tensors);
        foreach (var t in tensors)
        {
            if (dataOffset + (decimal)t.Offset + t.ByteSize > stream.Length)
            {
                throw r.Error($"tensor '{t.Name}' data ends beyond the end of the file (truncated)");
            }
        }

        return file;
    }

    /// <summary>Reads one tensor and converts it to float (F32, F16 and Q8_0 only); meant for tests and small tensors.</summary>
    public float[] ReadTensorAsFloat32(string name)
    {
        var t = Tensors.FirstOrDefault(x => x.Name == name) ?? throw new KeyNotFoundException($"no tensor '{name}'");
        var bytes = new byte[checked((int)t.ByteSize)];
        using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Position = DataOffset + (long)t.Offset;
            stream.ReadExactly(bytes);
        }

        return t.Type switch
        {
            GgmlType.F32 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            GgmlType.F16 => [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h)],
            GgmlType.Q8_0 => Q8_0.Dequantize(bytes),
            _ => throw new NotSupportedException($"cannot convert {t.Type} to float"),
        };
    }

    private static GgufTensorInfo ReadTensorInfo(GgufHeaderReader r, uint alignment)
    {
        var name = r.ReadString("tensor name");
        var dims = r.ReadUInt32();
        if (dims is 0 or > MaxDims)
        {
            throw r.Error($"tensor '{name}' has {dims} dimensions");
        }

        var shape = new ulong[dims];
        for (var d = 0; d < dims; d++)
        {
            shape[d] = r.ReadUInt64();
            if (shape[d] > long.MaxValue)
            {
                throw r.Error($"tensor '{name}' dimension {d} is {shape[d]}");
            }
        }

        var type = (GgmlType)r.ReadUInt32();
        if (!GgmlTypeInfo.IsKnown(type))
        {
            throw r.Error($"tensor '{name}' has unknown ggml type {(uint)type}");
        }

        var offset = r.ReadUInt64();
        if (offset % alignment != 0)
        {
            throw r.Error($"tensor '{name}' offset {offset} is not aligned to {alignment}");
        }

        var info = new GgufTensorInfo(name, shape, type, offset);
        try
        {
            _ = info.ByteSize;
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            throw r.Error($"tensor '{name}' has an invalid shape: {e.Message}");
        }

        return info;
    }
}
