using System.Text.Json;

namespace GuardCluster.Cli.Hosting;

/// <summary>Reads user-named inputs, turning every "can't read that" into a usage error (exit 2).</summary>
public static class InputFiles
{
    public static async Task<string> ReadTextAsync(string path, TextReader stdin, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            return await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CliException.Usage($"input file not found: {path}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"cannot read {path}: {ex.Message}", ex);
        }
    }

    public static TextReader OpenText(string path)
    {
        try
        {
            return new StreamReader(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CliException.Usage($"file not found: {path}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"cannot read {path}: {ex.Message}", ex);
        }
    }

    /// <summary>Checks syntax up front so malformed input gets a JSON error with a position, whatever parser runs next.</summary>
    public static void RequireJson(string text, string source)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw CliException.Usage($"{source} is not valid JSON: {ex.Message}", ex);
        }
    }

    public static string RequireExistingFile(string path, string what) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw CliException.Usage($"{what} not found: {path}");
}
