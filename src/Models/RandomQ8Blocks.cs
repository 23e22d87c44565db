using System.Buffers.Binary;
using GuardCluster.Models.Gguf;

namespace GuardCluster.Models;

/// <summary>
/// Streams random Q8_0 blocks straight to a stream (no float round trip): uniform int8 quants and one fp16 scale
/// chosen so the weights have the requested standard deviation.
/// </summary>
internal static class RandomQ8Blocks
{
    private const double Int8Rms = 73.9; // √E[q²] for q uniform on −128..127
    private const int ChunkBlocks = 1 << 15;

    public static void Write(Stream stream, ulong elements, ulong seed, float std)
    {
        var scale = new byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(scale, (Half)(std / Int8Rms));
        var rng = new Xoshiro256(seed);
        var buffer = new byte[ChunkBlocks * Q8_0.BlockBytes];
        for (var left = elements / Q8_0.BlockSize; left > 0;)
        {
            var blocks = (int)Math.Min(left, ChunkBlocks);
            FillRandom(buffer.AsSpan(0, blocks * Q8_0.BlockBytes), scale, rng);
            stream.Write(buffer, 0, blocks * Q8_0.BlockBytes);
            left -= (ulong)blocks;
        }
    }

    /// <summary>
    /// Writes a row-major matrix (<paramref name="rows"/> rows of <paramref name="inputs"/> values, each row a run of
    /// Q8_0 blocks) of random blocks, except rows <paramref name="customRow"/> returns (quantized as given) and, for
    /// the other rows, a last block <paramref name="customTail"/> returns.
    /// </summary>
    public static void WriteRows(
        Stream stream, int inputs, int rows, ulong seed, float std, Func<int, float[]?> customRow, Func<int, float[]?>? customTail = null)
    {
        var scale = new byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(scale, (Half)(std / Int8Rms));
        var rng = new Xoshiro256(seed);
        var blocksPerRow = inputs / Q8_0.BlockSize;
        var row = new byte[blocksPerRow * Q8_0.BlockBytes];
        for (var r = 0; r < rows; r++)
        {
            if (customRow(r) is { } values)
            {
                Q8_0.Quantize(values, row);
                stream.Write(row);
                continue;
            }

            FillRandom(row, scale, rng);

            if (customTail?.Invoke(r) is { } tail)
            {
                Q8_0.Quantize(tail, row.AsSpan((blocksPerRow - 1) * Q8_0.BlockBytes));
            }

            stream.Write(row);
        }
    }

    private static void FillRandom(Span<byte> blocks, byte[] scale, Xoshiro256 rng)
    {
        for (var b = 0; b < blocks.Length; b += Q8_0.BlockBytes)
        {
            var block = blocks.Slice(b, Q8_0.BlockBytes);
            block[0] = scale[0];
            block[1] = scale[1];

            // 32 quants = four 64-bit draws.
            for (var i = 2; i < Q8_0.BlockBytes; i += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(block[i..], rng.Next());
            }
        }
    }

    /// <summary>xoshiro256** seeded through splitmix64: fast, and identical output for a seed on every platform.</summary>
    private sealed class Xoshiro256
    {
        private ulong _s0, _s1, _s2, _s3;

        public Xoshiro256(ulong seed)
        {
            _s0 = SplitMix(ref seed);
            _s1 = SplitMix(ref seed);
            _s2 = SplitMix(ref seed);
            _s3 = SplitMix(ref seed);
        }

        public ulong Next()
        {
            var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        private static ulong SplitMix(ref ulong x)
        {
            var z = x += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
