namespace GuardCluster.Models;

/// <summary>Writes generated model files into a cache folder once, atomically, safe across processes.</summary>
internal static class ModelCache
{
    public static string Directory(string? cacheDir)
    {
        if (!string.IsNullOrWhiteSpace(cacheDir))
        {
            return cacheDir;
        }

        var env = Environment.GetEnvironmentVariable(DemoModel.CacheEnvironmentVariable);
        return !string.IsNullOrWhiteSpace(env)
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "guardcluster");
    }

    public static string Ensure(string dir, string fileName, byte[] content)
    {
        System.IO.Directory.CreateDirectory(dir);
        var path = Path.GetFullPath(Path.Combine(dir, fileName));
        if (Matches(path, content))
        {
            return path;
        }

        // Each writer uses its own temp file and renames it over the target: readers only ever see a whole
        // file, and concurrent writers produce identical bytes, so whichever rename lands last is fine.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                f.Write(content);
                f.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && Matches(path, content))
        {
            // Windows refuses to replace a file another process has open; it already holds the right bytes.
        }
        finally
        {
            File.Delete(temp);
        }

        return path;
    }

    private static bool Matches(string path, byte[] content)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (f.Length != content.Length)
            {
                return false;
            }

            var existing = new byte[content.Length];
            f.ReadExactly(existing);
            return existing.AsSpan().SequenceEqual(content);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }
}
