using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace GuardCluster.Cluster.Tests.Failover;

/// <summary>
/// Clients behind a modelled load balancer: it polls every silo's <c>/readyz</c> and sends each request to the next
/// ready silo in turn; a connection refused (a silo that is down) sends the request on to another silo, which is the
/// load balancer's job and not a failed request. Conversation clients send turns with <c>message_id</c>s and retry a
/// turn with the same id until it is acknowledged; check clients send single classify calls. Client <c>i</c> acts for
/// tenant <c>i mod tenants</c>. Everything is bounded.
/// </summary>
internal sealed class LoadDriver(SiloCluster cluster, IReadOnlyList<string> apiKeys)
{
    private static readonly TimeSpan TurnGiveUp = TimeSpan.FromSeconds(90);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool[] _ready = [.. cluster.Silos.Select(_ => true)];
    private readonly ConcurrentQueue<string> _failures = new();
    private int _next;

    public long TurnsSent;
    public long TurnsAcknowledged;
    public long TurnsRetried;
    public long TurnAttemptsFailed;
    public long ChecksSent;
    public long ChecksFailed;
    public long ChecksFailedAfterMark;
    public long Redirected;

    /// <summary>Readiness probes answered 503 "shutting down": a silo draining while it still serves.</summary>
    public long DrainingAnswers;
    private long _longestRetriedWaitTicks;
    private long _markTicks = long.MaxValue;

    public TimeSpan LongestRetriedWait => TimeSpan.FromTicks(Interlocked.Read(ref _longestRetriedWaitTicks));

    /// <summary>The first failures seen (status and body, or exception), for the report.</summary>
    public IReadOnlyList<string> FailureSamples => [.. _failures.Take(12)];

    /// <summary>Checks that were in flight on the silo when it was killed: the connection broke with the process.</summary>
    public long ChecksInFlightOnKilledSilo;
    private int _killed = -1;

    /// <summary>
    /// From now on, failed checks also count as "after the mark"; <paramref name="killedSilo"/> is about to die, and
    /// requests whose connection breaks there did not fail on a live host (they are counted apart).
    /// </summary>
    public void Mark(int killedSilo = -1)
    {
        _killed = killedSilo;
        Interlocked.Exchange(ref _markTicks, _clock.Elapsed.Ticks);
    }

    /// <summary>Polls readiness every 250 ms until <paramref name="stop"/>; a refused or 503 silo gets no new requests.</summary>
    public async Task RunLoadBalancerAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < cluster.Silos.Count; i++)
            {
                try
                {
                    using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    using var response = await cluster.Http.GetAsync(new Uri(cluster.Silos[i].BaseAddress, "/readyz"), probe.Token);
                    _ready[i] = response.StatusCode == HttpStatusCode.OK;
                    if (!_ready[i] && (await response.Content.ReadAsStringAsync(probe.Token)).Contains("shutting down", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref DrainingAnswers);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    _ready[i] = false;
                }
            }

            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Conversations <c>{prefix}-0</c>, <c>{prefix}-1</c>, … of <paramref name="turnsEach"/> turns each, one after the
    /// other, until <paramref name="stopNew"/>. Kept short so a history stays far below the engine's context.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, IReadOnlyList<AckedTurn> Told)>> RunConversationsAsync(
        int client, string prefix, int turnsEach, TimeSpan think, CancellationToken stopNew)
    {
        var conversations = new List<(string, IReadOnlyList<AckedTurn>)>();
        for (var n = 0; n < 200 && !stopNew.IsCancellationRequested; n++)
        {
            var id = $"{prefix}-{n}";
            conversations.Add((id, await RunConversationAsync(client, id, turnsEach, think, stopNew)));
        }

        return conversations;
    }

    /// <summary>Sends turns 1, 2, … (alternating user/assistant) until <paramref name="stopNew"/>; returns what the client was told.</summary>
    public async Task<IReadOnlyList<AckedTurn>> RunConversationAsync(int client, string id, int maxTurns, TimeSpan think, CancellationToken stopNew)
    {
        var acked = new List<AckedTurn>();
        for (var turn = 1; turn <= maxTurns && !stopNew.IsCancellationRequested; turn++)
        {
            var role = turn % 2 == 1 ? "user" : "assistant";
            var content = $"Turn {turn} of {id}: tell me about growing tomatoes in a small garden.";
            var messageId = $"m{turn}";
            Interlocked.Increment(ref TurnsSent);
            var started = Stopwatch.StartNew();
            var retried = false;
            while (true)
            {
                if (started.Elapsed > TurnGiveUp)
                {
                    throw new TimeoutException($"{id} turn {turn} not acknowledged within {TurnGiveUp}; failures: {string.Join(" | ", FailureSamples)}");
                }

                var outcome = await SendAsync(
                    client, HttpMethod.Post, $"/v1/conversations/{id}/messages", new { role, content, message_id = messageId });
                if (outcome.Status == HttpStatusCode.OK)
                {
                    var body = JsonDocument.Parse(outcome.Body).RootElement;
                    acked.Add(new AckedTurn(body.GetProperty("turn").GetInt32(), role, content, messageId));
                    break;
                }

                retried = true;
                Interlocked.Increment(ref TurnAttemptsFailed);
                _failures.Enqueue($"{Now():F1}s turn {id}/{messageId} on silo {outcome.Silo}: {outcome.Describe()}");
                await Task.Delay(100, CancellationToken.None);
            }

            Interlocked.Increment(ref TurnsAcknowledged);
            if (retried)
            {
                Interlocked.Increment(ref TurnsRetried);
                var ticks = started.Elapsed.Ticks;
                long seen;
                while (ticks > (seen = Interlocked.Read(ref _longestRetriedWaitTicks))
                    && Interlocked.CompareExchange(ref _longestRetriedWaitTicks, ticks, seen) != seen)
                {
                }
            }

            await Task.Delay(think, CancellationToken.None);
        }

        return acked;
    }

    /// <summary>Single classify calls until <paramref name="stop"/>; a failure is counted, never retried by the client.</summary>
    public async Task RunChecksAsync(int client, TimeSpan think, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref ChecksSent);
            var outcome = await SendAsync(
                client, HttpMethod.Post, "/v1/classify", new { messages = new[] { new { role = "user", content = "How do I bake bread?" } } });
            if (outcome.Status is null && outcome.Silo == _killed && outcome.Silo >= 0)
            {
                Interlocked.Increment(ref ChecksInFlightOnKilledSilo);
                _failures.Enqueue($"{Now():F1}s check in flight on the killed silo {outcome.Silo}: {outcome.Describe()}");
            }
            else if (outcome.Status != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref ChecksFailed);
                if (_clock.Elapsed.Ticks >= Interlocked.Read(ref _markTicks))
                {
                    Interlocked.Increment(ref ChecksFailedAfterMark);
                }

                _failures.Enqueue($"{Now():F1}s check on silo {outcome.Silo}: {outcome.Describe()}");
            }

            await Task.Delay(think, CancellationToken.None);
        }
    }

    /// <summary>The stored history, read through any ready silo.</summary>
    public async Task<IReadOnlyList<AckedTurn>> ReadHistoryAsync(int client, string id)
    {
        var outcome = await SendAsync(client, HttpMethod.Get, $"/v1/conversations/{id}", null);
        Assert.True(outcome.Status == HttpStatusCode.OK, $"history of {id}: {outcome.Describe()}");
        return [.. JsonDocument.Parse(outcome.Body).RootElement.GetProperty("messages").EnumerateArray().Select(m => new AckedTurn(
            m.GetProperty("turn").GetInt32(), m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!, m.GetProperty("message_id").GetString()!))];
    }

    private double Now() => _clock.Elapsed.TotalSeconds;

    private async Task<Outcome> SendAsync(int client, HttpMethod method, string path, object? body)
    {
        // Each silo at most twice: a request finds a live silo or the cluster is down.
        for (var attempt = 0; attempt < 2 * cluster.Silos.Count; attempt++)
        {
            var silo = PickSilo();
            using var request = new HttpRequestMessage(method, new Uri(cluster.Silos[silo].BaseAddress, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKeys[client % apiKeys.Count]);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            try
            {
                using var response = await cluster.Http.SendAsync(request);
                return new Outcome(silo, response.StatusCode, await response.Content.ReadAsStringAsync(), null);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                // Nothing listens there: the load balancer moves the request to another silo.
                _ready[silo] = false;
                Interlocked.Increment(ref Redirected);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // The connection broke or timed out after the request reached a silo: a failed request.
                return new Outcome(silo, null, string.Empty, e);
            }
        }

        return new Outcome(-1, null, string.Empty, new InvalidOperationException("every silo refused the connection"));
    }

    private int PickSilo()
    {
        var count = cluster.Silos.Count;
        for (var i = 0; i < count; i++)
        {
            var candidate = (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
            if (_ready[candidate])
            {
                return candidate;
            }
        }

        return (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
    }

    public sealed record AckedTurn(int Turn, string Role, string Content, string MessageId);

    private sealed record Outcome(int Silo, HttpStatusCode? Status, string Body, Exception? Error)
    {
        public string Describe() => Error is not null
            ? $"{Error.GetType().Name}: {Error.Message}"
            : $"{(int?)Status} {(Body.Length > 300 ? Body[..300] : Body)}";
    }
}
