using System.Buffers.Binary;
using System.Text;

namespace GuardCluster.Engine.Scheduling;

/// <summary>
/// The disk tier of the KV cache: one file per spilled conversation branch, in a folder this engine owns alone
/// (<c>engine-*</c> under the configured path, held by a lock file). Spilled state is an optimisation, never a
/// source of truth: a file is only read back when its header names this engine's fingerprint (model file and
/// context settings) and exactly the tokens the cache expects; anything else is discarded and the branch is
/// prefilled again. Folders left by engines that are gone (a crash, a restart) are removed when one opens.
/// </summary>
internal sealed class KvSpillFolder : IDisposable
{
    private const string FolderPrefix = "engine-";
    private const string LockName = ".lock";
    private static readonly byte[] Magic = "GCKV\u0001"u8.ToArray();

    private readonly string _fingerprint;
    private readonly FileStream _lock;
    private long _nextFile;

    private KvSpillFolder(string folder, string fingerprint, FileStream lockFile)
    {
        Folder = folder;
        _fingerprint = fingerprint;
        _lock = lockFile;
    }

    public string Folder { get; }

    /// <summary>Creates this engine's folder under <paramref name="root"/>, removing folders of engines that are gone.</summary>
    public static KvSpillFolder Open(string root, string fingerprint)
    {
        Directory.CreateDirectory(root);
        RemoveStale(root);
        var folder = Path.Combine(root, FolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var lockFile = new FileStream(Path.Combine(folder, LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        return new KvSpillFolder(folder, fingerprint, lockFile);
    }

    /// <summary>Writes a branch's saved state; returns the file. Throws on I/O errors (the caller drops the branch).</summary>
    public string Write(string key, ReadOnlySpan<int> tokens, ReadOnlySpan<byte> state)
    {
        var path = Path.Combine(Folder, $"{Interlocked.Increment(ref _nextFile)}.kv");
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(Magic);
        WriteString(file, _fingerprint);
        WriteString(file, key);
        WriteInt64(file, tokens.Length);
        Span<byte> word = stackalloc byte[4];
        foreach (var token in tokens)
        {
            BinaryPrimitives.WriteInt32LittleEndian(word, token);
            file.Write(word);
        }

        WriteInt64(file, state.Length);
        file.Write(state);
        return path;
    }

    /// <summary>The saved state in <paramref name="path"/> if it is exactly what is expected, otherwise null.</summary>
    public byte[]? Read(string path, string key, ReadOnlySpan<int> tokens)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var magic = new byte[Magic.Length];
            file.ReadExactly(magic);
            if (!magic.AsSpan().SequenceEqual(Magic) || ReadString(file) != _fingerprint || ReadString(file) != key || ReadInt64(file) != tokens.Length)
            {
                return null;
            }

            Span<byte> word = stackalloc byte[4];
            foreach (var token in tokens)
            {
                file.ReadExactly(word);
                if (BinaryPrimitives.ReadInt32LittleEndian(word) != token)
                {
                    return null;
                }
            }

            var length = ReadInt64(file);
            if (length <= 0 || length != file.Length - file.Position)
            {
                return null;
            }

            var state = GC.AllocateUninitializedArray<byte>(checked((int)length));
            file.ReadExactly(state);
            return state;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EndOfStreamException or OverflowException or DecoderFallbackException)
        {
            return null;
        }
    }

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder goes as a whole when the engine stops or the next one starts.
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next engine that opens this root.
        }
    }

    private static void RemoveStale(string root)
    {
        foreach (var folder in Directory.EnumerateDirectories(root, FolderPrefix + "*"))
        {
            try
            {
                // A live engine holds its lock file open exclusively; opening it succeeds only for a folder whose engine is gone.
                using (new FileStream(Path.Combine(folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                {
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // In use by another engine (or not ours to delete).
            }
        }
    }

    private static void WriteString(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt64(stream, bytes.Length);
        stream.Write(bytes);
    }

    private static string ReadString(Stream stream)
    {
        var length = ReadInt64(stream);
        if (length is < 0 or > 1 << 20)
        {
            throw new IOException("Corrupt spill file header.");
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static void WriteInt64(Stream stream, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        stream.Write(buffer);
    }

    private static long ReadInt64(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[8];
        stream.ReadExactly(buffer);
        return BinaryPrimitives.ReadInt64LittleEndian(buffer);
    }
}
