using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace GuardCluster.Cli.Tests.Support;

/// <summary>
/// A loopback-only HTTP server (HttpListener on 127.0.0.1, ephemeral port) serving one generated file at
/// <c>/model.gguf</c>. It can honour or ignore Range, cut the body short, and records every Range header.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly Task loop;

    public TestHttpServer(byte[] content)
    {
        Content = content;
        (listener, Port) = Start();
        loop = Task.Run(ServeAsync);
    }

    public byte[] Content { get; }

    public int Port { get; }

    /// <summary>When false the server answers 200 with the whole body even to Range requests.</summary>
    public bool HonourRange { get; set; } = true;

    /// <summary>When set, the body is cut (connection aborted) after this many bytes of the response.</summary>
    public int? AbortAfterBytes { get; set; }

    /// <summary>The Range header of each request to the file (null when there was none).</summary>
    public ConcurrentQueue<string?> RangeHeaders { get; } = new();

    public Uri FileUrl => new($"http://127.0.0.1:{Port}/model.gguf");

    public Uri MissingUrl => new($"http://127.0.0.1:{Port}/missing.gguf");

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        try
        {
            await loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }
    }

    private static (HttpListener Listener, int Port) Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            // Ask the OS for a free loopback port, then bind HttpListener to it (retry on the rare race).
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (context.Request.Url?.AbsolutePath != "/model.gguf")
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }

            var range = context.Request.Headers["Range"];
            RangeHeaders.Enqueue(range);
            long start = 0;
            if (range is not null && HonourRange)
            {
                start = long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
                if (start >= Content.Length)
                {
                    response.StatusCode = 416;
                    response.AddHeader("Content-Range", $"bytes */{Content.Length}");
                    response.Close();
                    return;
                }

                response.StatusCode = 206;
                response.AddHeader("Content-Range", $"bytes {start}-{Content.Length - 1}/{Content.Length}");
            }

            response.AddHeader("Accept-Ranges", HonourRange ? "bytes" : "none");
            var length = Content.Length - (int)start;
            response.ContentLength64 = length;
            var send = AbortAfterBytes is { } cut ? Math.Min(cut, length) : length;
            await response.OutputStream.WriteAsync(Content.AsMemory((int)start, send));
            if (send < length)
            {
                await response.OutputStream.FlushAsync();
                response.Abort();
                return;
            }

            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to do.
        }
    }
}
