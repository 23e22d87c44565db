namespace GuardCluster.Models.Gguf;

/// <summary>A tensor's header entry; <paramref name="Offset"/> is relative to the start of the data section.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<ulong> Shape, GgmlType Type, ulong Offset)
{
    public ulong ElementCount => Shape.Aggregate(1UL, (n, d) => checked(n * d));

    public ulong ByteSize => GgmlTypeInfo.ByteSize(Type, Shape);
}
