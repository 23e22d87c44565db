using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GuardCluster.Cli.Tests.Support;

/// <summary>
/// A loopback HTTP server that gives every request the same answer (or, with <see cref="Hang"/>, none until disposed),
/// for what a real GuardCluster host never does: HTML error pages, non-JSON bodies, silence.
/// </summary>
public sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public CannedHttpServer(int status, string contentType, string body, bool hang = false)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(() => ServeAsync(status, contentType, body, hang));
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The Authorization header of the last request.</summary>
    public string? LastAuthorization { get; private set; }

    private async Task ServeAsync(int status, string contentType, string body, bool hang)
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

            LastAuthorization = context.Request.Headers["Authorization"];
            if (hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        listener.Close();
        await loop;
        stop.Dispose();
    }
}
