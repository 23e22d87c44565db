namespace GuardCluster.Cli.Downloads;

/// <summary>Where a model comes from: an http(s) URL, or a local file (a path or a file:// URL).</summary>
public sealed record DownloadSource
{
    private DownloadSource(Uri? httpUri, string? localPath)
    {
        HttpUri = httpUri;
        LocalPath = localPath;
    }

    public Uri? HttpUri { get; }

    public string? LocalPath { get; }

    public override string ToString() => HttpUri?.ToString() ?? LocalPath ?? "";

    /// <exception cref="ArgumentException">Another URL scheme (ftp:, s3:, ...) or an empty value.</exception>
    public static DownloadSource Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);

        // Only "scheme://" counts as a URL so that relative paths with colons stay paths; on Unix an absolute
        // path also parses as a file URI, which is what we want anyway.
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (value.Contains("://", StringComparison.Ordinal) || uri.IsFile))
        {
            if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            {
                return new DownloadSource(uri, null);
            }

            if (uri.IsFile)
            {
                return new DownloadSource(null, uri.LocalPath);
            }

            throw new ArgumentException($"unsupported source scheme '{uri.Scheme}:' (use http, https, file or a local path)", nameof(value));
        }

        return new DownloadSource(null, Path.GetFullPath(value));
    }
}
