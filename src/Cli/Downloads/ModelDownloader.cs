using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace GuardCluster.Cli.Downloads;

/// <summary>
/// Downloads a (large) model file into <c>PATH.part</c>, resuming with an HTTP Range request when a partial
/// file exists, hashes it with SHA-256 on the fly, and renames it to PATH only when the checksum matches,
/// so PATH either does not exist or is complete and verified.
/// </summary>
public sealed class ModelDownloader(HttpClient http)
{
    private const int BufferSize = 1 << 16;

    /// <summary>How long a read may wait for bytes before the download is abandoned (resumable).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static string PartialPath(string destination) => destination + ".part";

    public async Task<DownloadResult> DownloadAsync(
        DownloadSource source,
        string destination,
        string? expectedSha256 = null,
        Action<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var target = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var part = PartialPath(target);
        var expected = expectedSha256 is null
            ? null
            : Sha256Hex.Normalize(expectedSha256) ?? throw new ArgumentException("expected SHA-256 must be 64 hex digits", nameof(expectedSha256));

        long bytes;
        bool resumed;
        string actual;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            // FileShare.None: a second guardctl pulling to the same PATH fails instead of interleaving writes.
            await using (var file = new FileStream(part, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true))
            {
                var transfer = new Transfer(file, hash, progress, IdleTimeout, cancellationToken);
                resumed = source.HttpUri is { } uri
                    ? await FetchHttpAsync(uri, transfer).ConfigureAwait(false)
                    : await CopyLocalAsync(source.LocalPath!, transfer).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                bytes = file.Length;
            }

            actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        if (expected is not null && !string.Equals(expected, actual, StringComparison.Ordinal))
        {
            // Keeping corrupt bytes would only make the next resume produce the same wrong file.
            File.Delete(part);
            throw new ChecksumMismatchException(target, expected, actual);
        }

        File.Move(part, target, overwrite: true);
        return new DownloadResult(target, bytes, actual, resumed);
    }

    private async Task<bool> FetchHttpAsync(Uri uri, Transfer transfer)
    {
        var file = transfer.File;
        for (var attempt = 0; ; attempt++)
        {
            var offset = file.Length;
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, transfer.Cancellation).ConfigureAwait(false);
            var headers = response.Content.Headers;
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when headers.ContentRange?.From == offset:
                    await transfer.HashExistingAsync().ConfigureAwait(false);
                    var total = headers.ContentRange.Length ?? offset + headers.ContentLength;
                    await CopyBodyAsync(uri, response, transfer, total).ConfigureAwait(false);
                    return offset > 0;

                case HttpStatusCode.RequestedRangeNotSatisfiable when offset > 0 && headers.ContentRange?.Length == offset:
                    // An earlier run got every byte but stopped before verifying; nothing left to fetch.
                    await transfer.HashExistingAsync().ConfigureAwait(false);
                    transfer.Report(offset, offset);
                    return true;

                case HttpStatusCode.RequestedRangeNotSatisfiable or HttpStatusCode.PartialContent when attempt == 0:
                    // The partial file does not fit the remote one (changed upstream?): start over once.
                    file.SetLength(0);
                    continue;

                case HttpStatusCode.OK:
                    // The server ignored Range (or there was none): the body is the whole file.
                    file.SetLength(0);
                    await CopyBodyAsync(uri, response, transfer, headers.ContentLength).ConfigureAwait(false);
                    return false;

                default:
                    throw new DownloadException($"GET {uri} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
            }
        }
    }

    private static async Task CopyBodyAsync(Uri uri, HttpResponseMessage response, Transfer transfer, long? total)
    {
        var body = await response.Content.ReadAsStreamAsync(transfer.Cancellation).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                await transfer.CopyAsync(body, total).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !transfer.Cancellation.IsCancellationRequested)
            {
                throw new DownloadException($"download of {uri} was interrupted after {transfer.File.Length} bytes ({ex.Message}); run the command again to resume", ex);
            }
            catch (TimeoutException ex)
            {
                throw new DownloadException($"download of {uri} stalled after {transfer.File.Length} bytes ({ex.Message}); run the command again to resume", ex);
            }
        }
    }

    private static async Task<bool> CopyLocalAsync(string path, Transfer transfer)
    {
        var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        await using (source.ConfigureAwait(false))
        {
            var offset = transfer.File.Length;
            if (offset > source.Length)
            {
                transfer.File.SetLength(0);
                offset = 0;
            }

            await transfer.HashExistingAsync().ConfigureAwait(false);
            source.Position = offset;
            await transfer.CopyAsync(source, source.Length).ConfigureAwait(false);
            return offset > 0;
        }
    }

    /// <summary>The state of one download: the partial file, its running hash, and how progress is reported.</summary>
    private sealed class Transfer(FileStream file, IncrementalHash hash, Action<DownloadProgress>? progress, TimeSpan idleTimeout, CancellationToken cancellation)
    {
        public FileStream File { get; } = file;

        public CancellationToken Cancellation { get; } = cancellation;

        public void Report(long done, long? total) => progress?.Invoke(new DownloadProgress(done, total));

        /// <summary>Feeds the bytes already in the partial file to the hash and leaves the position at its end.</summary>
        public async Task HashExistingAsync()
        {
            var buffer = new byte[BufferSize];
            File.Position = 0;
            int read;
            while ((read = await File.ReadAsync(buffer, Cancellation).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        public async Task CopyAsync(Stream body, long? total)
        {
            var buffer = new byte[BufferSize];
            var done = File.Length;
            File.Position = done;
            Report(done, total);
            while (true)
            {
                var read = await ReadWithIdleTimeoutAsync(body, buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await File.WriteAsync(buffer.AsMemory(0, read), Cancellation).ConfigureAwait(false);
                hash.AppendData(buffer, 0, read);
                done += read;
                Report(done, total);
            }

            if (total is { } expected && done != expected)
            {
                throw new IOException($"the body ended at {done} of {expected} bytes");
            }
        }

        private async Task<int> ReadWithIdleTimeoutAsync(Stream body, byte[] buffer)
        {
            // A fresh timer per read: a stalled connection fails instead of hanging forever.
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            idle.CancelAfter(idleTimeout);
            try
            {
                return await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!Cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"no data for {idleTimeout.TotalSeconds:0.#} s", ex);
            }
        }
    }
}
