using System.Globalization;

namespace GuardCluster.Models.Gguf;

/// <summary>
/// One metadata value. Scalars hold the matching CLR type (byte, sbyte, ushort, short, uint, int, float, bool,
/// string, ulong, long, double); arrays hold a CLR array of the element type (string[], int[], GgufValue[] for
/// nested arrays, ...) together with the GGUF element type so a round trip keeps it exact.
/// </summary>
public sealed class GgufValue
{
    private GgufValue(GgufValueType type, object value, GgufValueType elementType)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    public object Value { get; }

    /// <summary>Element type of an array value (meaningless for scalars).</summary>
    public GgufValueType ElementType { get; }

    public bool IsArray => Type == GgufValueType.Array;

    public int ArrayCount => IsArray ? ((Array)Value).Length : throw new InvalidOperationException("not an array");

    public static GgufValue From(byte v) => new(GgufValueType.UInt8, v, default);

    public static GgufValue From(sbyte v) => new(GgufValueType.Int8, v, default);

    public static GgufValue From(ushort v) => new(GgufValueType.UInt16, v, default);

    public static GgufValue From(short v) => new(GgufValueType.Int16, v, default);

    public static GgufValue From(uint v) => new(GgufValueType.UInt32, v, default);

    public static GgufValue From(int v) => new(GgufValueType.Int32, v, default);

    public static GgufValue From(float v) => new(GgufValueType.Float32, v, default);

    public static GgufValue From(bool v) => new(GgufValueType.Bool, v, default);

    public static GgufValue From(string v) => new(GgufValueType.String, v ?? throw new ArgumentNullException(nameof(v)), default);

    public static GgufValue From(ulong v) => new(GgufValueType.UInt64, v, default);

    public static GgufValue From(long v) => new(GgufValueType.Int64, v, default);

    public static GgufValue From(double v) => new(GgufValueType.Float64, v, default);

    public static GgufValue FromArray(string[] v) => Array(GgufValueType.String, v);

    public static GgufValue FromArray(int[] v) => Array(GgufValueType.Int32, v);

    public static GgufValue FromArray(uint[] v) => Array(GgufValueType.UInt32, v);

    public static GgufValue FromArray(long[] v) => Array(GgufValueType.Int64, v);

    public static GgufValue FromArray(float[] v) => Array(GgufValueType.Float32, v);

    public static GgufValue FromArray(double[] v) => Array(GgufValueType.Float64, v);

    public static GgufValue FromArray(bool[] v) => Array(GgufValueType.Bool, v);

    public static GgufValue FromArray(byte[] v) => Array(GgufValueType.UInt8, v);

    /// <summary>An array of arrays (GGUF allows nesting).</summary>
    public static GgufValue FromArray(GgufValue[] v) => Array(GgufValueType.Array, v);

    /// <summary>Any array; <paramref name="values"/> must be the CLR array type that matches <paramref name="elementType"/>.</summary>
    public static GgufValue Array(GgufValueType elementType, Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetType().GetElementType() != ClrType(elementType))
        {
            throw new ArgumentException($"a {elementType} array needs {ClrType(elementType).Name}[] values, got {values.GetType().Name}");
        }

        return new GgufValue(GgufValueType.Array, values, elementType);
    }

    public string AsString() => Value as string ?? throw new InvalidOperationException($"value is {Type}, not a string");

    public bool AsBool() => Value is bool b ? b : throw new InvalidOperationException($"value is {Type}, not a bool");

    /// <summary>Any integer scalar widened to long (ulong above long.MaxValue throws).</summary>
    public long AsInt64() => Value switch
    {
        byte or sbyte or ushort or short or uint or int or long => Convert.ToInt64(Value, CultureInfo.InvariantCulture),
        ulong u => checked((long)u),
        _ => throw new InvalidOperationException($"value is {Type}, not an integer"),
    };

    public ulong AsUInt64() => Value is ulong u ? u : checked((ulong)AsInt64());

    /// <summary>Any numeric scalar as double.</summary>
    public double AsDouble() => Value switch
    {
        float f => f,
        double d => d,
        _ => AsInt64(),
    };

    public IReadOnlyList<string> AsStringArray() =>
        Value as string[] ?? throw new InvalidOperationException($"value is not a string array ({Describe()})");

    /// <summary>The array elements as a typed list (e.g. <c>AsArray&lt;int&gt;()</c> for an INT32 array).</summary>
    public IReadOnlyList<T> AsArray<T>() =>
        Value as T[] ?? throw new InvalidOperationException($"value is not a {typeof(T).Name} array ({Describe()})");

    public string Describe() => IsArray ? $"array<{ElementType}>[{ArrayCount}]" : Type.ToString();

    public override string ToString() => IsArray
        ? Describe()
        : Value switch
        {
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => Value.ToString() ?? string.Empty,
        };

    internal static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.Array => typeof(GgufValue),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown GGUF value type"),
    };
}
