using System.Buffers.Binary;
using System.Text;

namespace GuardCluster.Models.Gguf;

/// <summary>
/// Bounds-checked little-endian reader for GGUF headers: every length or count read from the file is checked
/// against the bytes left before anything is allocated, so a corrupt file fails fast instead of hanging or
/// allocating gigabytes.
/// </summary>
internal sealed class GgufHeaderReader(Stream stream, string path)
{
    private const int MaxNesting = 8;
    private readonly byte[] _scratch = new byte[8];
    private readonly long _length = stream.Length;

    public long Position => stream.Position;

    public long Remaining => _length - stream.Position;

    public InvalidDataException Error(string reason) => new($"not a GGUF file: {reason} ({path})");

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Fill(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Fill(8));

    public string ReadString(string what)
    {
        var length = ReadUInt64();
        if (length > (ulong)Remaining)
        {
            throw Error($"{what}: string length {length} exceeds the {Remaining} bytes left (corrupt or truncated)");
        }

        var bytes = new byte[length];
        ReadExactly(bytes, what);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Checks that <paramref name="count"/> items of at least <paramref name="minBytes"/> each can still fit.</summary>
    public void CheckCount(ulong count, int minBytes, string what)
    {
        if (count > (ulong)Remaining / (ulong)Math.Max(minBytes, 1))
        {
            throw Error($"{what}: count {count} cannot fit in the {Remaining} bytes left (corrupt or truncated)");
        }
    }

    public GgufValue ReadValue(GgufValueType type, string key, int depth = 0) => type switch
    {
        GgufValueType.UInt8 => GgufValue.From(Fill(1)[0]),
        GgufValueType.Int8 => GgufValue.From((sbyte)Fill(1)[0]),
        GgufValueType.UInt16 => GgufValue.From(BinaryPrimitives.ReadUInt16LittleEndian(Fill(2))),
        GgufValueType.Int16 => GgufValue.From(BinaryPrimitives.ReadInt16LittleEndian(Fill(2))),
        GgufValueType.UInt32 => GgufValue.From(ReadUInt32()),
        GgufValueType.Int32 => GgufValue.From(BinaryPrimitives.ReadInt32LittleEndian(Fill(4))),
        GgufValueType.Float32 => GgufValue.From(BinaryPrimitives.ReadSingleLittleEndian(Fill(4))),
        GgufValueType.Bool => GgufValue.From(ReadBool(key)),
        GgufValueType.String => GgufValue.From(ReadString(key)),
        GgufValueType.UInt64 => GgufValue.From(ReadUInt64()),
        GgufValueType.Int64 => GgufValue.From(BinaryPrimitives.ReadInt64LittleEndian(Fill(8))),
        GgufValueType.Float64 => GgufValue.From(BinaryPrimitives.ReadDoubleLittleEndian(Fill(8))),
        GgufValueType.Array => ReadArray(key, depth),
        _ => throw Error($"metadata '{key}' has unknown value type {(uint)type}"),
    };

    private GgufValue ReadArray(string key, int depth)
    {
        if (depth >= MaxNesting)
        {
            throw Error($"metadata '{key}' nests arrays deeper than {MaxNesting}");
        }

        var elementType = (GgufValueType)ReadUInt32();
        var count = ReadUInt64();
        CheckCount(count, MinBytes(elementType, key), $"metadata '{key}' array");
        var items = System.Array.CreateInstance(GgufValue.ClrType(elementType), (int)Math.Min(count, int.MaxValue));
        for (var i = 0; i < items.Length; i++)
        {
            var item = ReadValue(elementType, key, depth + 1);
            items.SetValue(elementType == GgufValueType.Array ? item : item.Value, i);
        }

        return GgufValue.Array(elementType, items);
    }

    private int MinBytes(GgufValueType type, string key) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
        GgufValueType.Array => 12,
        _ => throw Error($"metadata '{key}' array has unknown element type {(uint)type}"),
    };

    private bool ReadBool(string key) => Fill(1)[0] switch
    {
        0 => false,
        1 => true,
        var b => throw Error($"metadata '{key}' has invalid bool byte {b}"),
    };

    private Span<byte> Fill(int count)
    {
        var span = _scratch.AsSpan(0, count);
        ReadExactly(span, "value");
        return span;
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        if (buffer.Length > Remaining)
        {
            throw Error($"truncated while reading {what} at offset {Position}");
        }

        stream.ReadExactly(buffer);
    }
}
