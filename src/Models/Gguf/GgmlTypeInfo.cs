namespace GuardCluster.Models.Gguf;

/// <summary>Block layout of each ggml type, needed to size tensor data without reading it.</summary>
public static class GgmlTypeInfo
{
    // (elements per block, bytes per block), copied from ggml's type_traits table.
    private static readonly Dictionary<GgmlType, (int BlockSize, int TypeSize)> Layouts = new()
    {
        [GgmlType.F32] = (1, 4),
        [GgmlType.F16] = (1, 2),
        [GgmlType.Q4_0] = (32, 18),
        [GgmlType.Q4_1] = (32, 20),
        [GgmlType.Q5_0] = (32, 22),
        [GgmlType.Q5_1] = (32, 24),
        [GgmlType.Q8_0] = (32, 34),
        [GgmlType.Q8_1] = (32, 36),
        [GgmlType.Q2_K] = (256, 84),
        [GgmlType.Q3_K] = (256, 110),
        [GgmlType.Q4_K] = (256, 144),
        [GgmlType.Q5_K] = (256, 176),
        [GgmlType.Q6_K] = (256, 210),
        [GgmlType.Q8_K] = (256, 292),
        [GgmlType.IQ2_XXS] = (256, 66),
        [GgmlType.IQ2_XS] = (256, 74),
        [GgmlType.IQ3_XXS] = (256, 98),
        [GgmlType.IQ1_S] = (256, 50),
        [GgmlType.IQ4_NL] = (32, 18),
        [GgmlType.IQ3_S] = (256, 110),
        [GgmlType.IQ2_S] = (256, 82),
        [GgmlType.IQ4_XS] = (256, 136),
        [GgmlType.I8] = (1, 1),
        [GgmlType.I16] = (1, 2),
        [GgmlType.I32] = (1, 4),
        [GgmlType.I64] = (1, 8),
        [GgmlType.F64] = (1, 8),
        [GgmlType.IQ1_M] = (256, 56),
        [GgmlType.BF16] = (1, 2),
        [GgmlType.TQ1_0] = (256, 54),
        [GgmlType.TQ2_0] = (256, 66),
        [GgmlType.MXFP4] = (32, 17),
    };

    public static bool IsKnown(GgmlType type) => Layouts.ContainsKey(type);

    public static int BlockSize(GgmlType type) => Layout(type).BlockSize;

    public static int TypeSize(GgmlType type) => Layout(type).TypeSize;

    /// <summary>Bytes of a tensor with this shape; the first dimension must be a whole number of blocks.</summary>
    public static ulong ByteSize(GgmlType type, IReadOnlyList<ulong> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (blockSize, typeSize) = Layout(type);
        if (shape.Count == 0)
        {
            return (ulong)typeSize;
        }

        if (shape[0] % (ulong)blockSize != 0)
        {
            throw new ArgumentException($"first dimension {shape[0]} is not a multiple of the {type} block size {blockSize}");
        }

        checked
        {
            var rows = 1UL;
            for (var i = 1; i < shape.Count; i++)
            {
                rows *= shape[i];
            }

            return shape[0] / (ulong)blockSize * (ulong)typeSize * rows;
        }
    }

    private static (int BlockSize, int TypeSize) Layout(GgmlType type) =>
        Layouts.TryGetValue(type, out var layout) ? layout : throw new ArgumentOutOfRangeException(nameof(type), type, "unknown ggml type");
}
