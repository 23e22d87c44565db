using System.Buffers.Binary;

namespace GuardCluster.Models.Gguf;

/// <summary>ggml Q8_0: blocks of 32 values stored as an fp16 scale d followed by 32 int8 (x ≈ d·q).</summary>
public static class Q8_0
{
    public const int BlockSize = 32;
    public const int BlockBytes = 34;

    /// <summary>Quantizes like ggml's reference: d = max|x|/127, q = round(x/d) (away from zero).</summary>
    public static void Quantize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (source.Length % BlockSize != 0)
        {
            throw new ArgumentException($"length {source.Length} is not a multiple of {BlockSize}", nameof(source));
        }

        var blocks = source.Length / BlockSize;
        if (destination.Length < blocks * BlockBytes)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        for (var b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * BlockSize, BlockSize);
            var block = destination.Slice(b * BlockBytes, BlockBytes);
            var amax = 0f;
            foreach (var v in x)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }

            var d = amax / 127f;
            var id = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
            for (var i = 0; i < BlockSize; i++)
            {
                block[2 + i] = (byte)(sbyte)MathF.Round(x[i] * id, MidpointRounding.AwayFromZero);
            }
        }
    }

    public static byte[] Quantize(ReadOnlySpan<float> source)
    {
        var bytes = new byte[source.Length / BlockSize * BlockBytes];
        Quantize(source, bytes);
        return bytes;
    }

    public static float[] Dequantize(ReadOnlySpan<byte> source)
    {
        if (source.Length % BlockBytes != 0)
        {
            throw new ArgumentException($"length {source.Length} is not a multiple of {BlockBytes}", nameof(source));
        }

        var result = new float[source.Length / BlockBytes * BlockSize];
        for (var b = 0; b < source.Length / BlockBytes; b++)
        {
            var block = source.Slice(b * BlockBytes, BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            for (var i = 0; i < BlockSize; i++)
            {
                result[(b * BlockSize) + i] = d * (sbyte)block[2 + i];
            }
        }

        return result;
    }
}
