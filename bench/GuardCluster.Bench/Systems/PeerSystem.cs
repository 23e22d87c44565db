using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GuardCluster.Bench.Baselines;
using GuardCluster.Bench.Setup;
using GuardCluster.Core.Prompting;
using GuardCluster.Engine.Tokenization;

namespace GuardCluster.Bench.Systems;

/// <summary>
/// The tool a user would pick instead: node-llama-cpp (a plain llama.cpp binding) in a child process running
/// <c>bench/peers/peer.mjs</c>, with the engine's llama.cpp settings (same GGUF, threads, KV cells, batch size,
/// flash attention, answer cap). Each caller (<see cref="BenchCheck.SessionKey"/>, else the tenant) gets its own
/// context sequence with node-llama-cpp's automatic prefix reuse; with <c>fresh</c> every check starts from an empty
/// sequence (its naive evaluation). The bench sends the prompt it rendered as pieces (special / plain text) plus its
/// own token ids; the peer tokenizes the pieces with its own tokenizer and answers an error when they differ.
/// Latency is measured here, around the request (JSON over a pipe costs well under a millisecond).
/// </summary>
public sealed class PeerSystem : IGuardSystem, IDisposable
{
    private readonly Process _process;
    private readonly GuardTokenizer _tokenizer;
    private readonly bool _fresh;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _stderrGate = new();
    private int _nextId;

    private PeerSystem(Process process, GuardTokenizer tokenizer, string name, bool fresh, string description)
    {
        _process = process;
        _tokenizer = tokenizer;
        Name = name;
        _fresh = fresh;
        Description = description;
    }

    public string Name { get; }

    /// <summary>What the peer reported when it was ready (versions, context size, threads).</summary>
    public string Description { get; private set; }

    /// <summary>
    /// Starts the peer with <paramref name="sequences"/> context sequences of <paramref name="cellsPerSequence"/> KV
    /// cells each (one per distinct caller of the workload, warm-up included) and waits until the model is loaded.
    /// </summary>
    public static async Task<PeerSystem> StartAsync(
        PeerSetup setup, BaselineSettings settings, GuardTokenizer tokenizer, int sequences, int cellsPerSequence, string name, bool fresh = false)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = setup.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
        {
            setup.Script,
            "--model", settings.ModelPath,
            "--threads", settings.Threads.ToString(CultureInfo.InvariantCulture),
            "--ctx-per-sequence", cellsPerSequence.ToString(CultureInfo.InvariantCulture),
            "--batch", settings.BatchSize.ToString(CultureInfo.InvariantCulture),
            "--flash-attention", settings.FlashAttention ? "on" : "off",
            "--max-new-tokens", settings.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
            "--sequences", Math.Max(1, sequences).ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        PeerSetup.NoDownloads(start);
        var process = Process.Start(start) ?? throw new BenchSetupException("could not start node for the peer system");
        var peer = new PeerSystem(process, tokenizer, name, fresh, string.Empty);
        process.ErrorDataReceived += (_, e) => peer.OnStderr(e.Data);
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new BenchSetupException($"the peer exited before it was ready: {peer.StderrTail()}");
            using var ready = JsonDocument.Parse(line);
            var r = ready.RootElement;
            peer.Description = string.Create(
                CultureInfo.InvariantCulture,
                $"node-llama-cpp {r.GetProperty("nodeLlamaCpp").GetString()} (llama.cpp {r.GetProperty("llamaCpp").GetString()}, prebuilt CPU binaries from npm), "
                + $"{r.GetProperty("threads").GetInt32()} threads, {r.GetProperty("sequences").GetInt32()} sequence(s) × {r.GetProperty("contextSize").GetInt32()} cells, "
                + $"batch {r.GetProperty("batchSize").GetInt32()}, flash attention {(r.GetProperty("flashAttention").ValueKind == JsonValueKind.True ? "on" : "off")}");
            return peer;
        }
        catch (Exception e) when (e is OperationCanceledException or JsonException or KeyNotFoundException)
        {
            peer.Dispose();
            throw new BenchSetupException($"the peer did not start: {e.Message} {peer.StderrTail()}");
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    public async Task<CheckResult> CheckAsync(BenchCheck check, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(check);

        // Untimed: the bench's own tokens, sent only so the peer can check that its tokenizer agrees.
        var prompt = LlamaGuardPrompt.Render(check.Conversation, check.Policy);
        var tokens = _tokenizer.Tokenize(prompt);
        var id = ++_nextId;
        var request = Request(id, check.SessionKey ?? check.Tenant, prompt, tokens, _fresh);

        var watch = Stopwatch.StartNew();
        await _process.StandardInput.WriteLineAsync(request.AsMemory(), cancellationToken).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (line is null)
        {
            throw new PeerException($"{Name}: the peer process exited: {StderrTail()}");
        }

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            throw new PeerException($"{Name}: {error.GetString()}");
        }

        if (root.GetProperty("id").GetInt32() != id)
        {
            throw new PeerException($"{Name}: answer to request {root.GetProperty("id").GetInt32()}, expected {id}");
        }

        var prompted = root.GetProperty("promptTokens").GetInt32();
        var reused = root.GetProperty("reusedTokens").GetInt32();
        return new CheckResult(
            ms,
            prompted,
            prompted - reused,
            root.GetProperty("text").GetString() ?? string.Empty,
            CompletionTokens: root.GetProperty("generated").GetInt32(),
            PrefillMs: root.GetProperty("prefillMs").GetDouble());
    }

    /// <summary>Closes stdin (the peer exits by itself); kills the process and its children by id if it does not.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (IOException)
        {
            // stdin already closed by an exited process
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string Request(int id, string session, RenderedPrompt prompt, int[] tokens, bool fresh)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("session", session);
            w.WriteBoolean("fresh", fresh);
            w.WriteStartArray("pieces");
            foreach (var piece in prompt.Pieces)
            {
                w.WriteStartArray();
                w.WriteNumberValue(piece.Kind == PromptPieceKind.Special ? 1 : 0);
                w.WriteStringValue(piece.Text);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("tokens");
            foreach (var token in tokens)
            {
                w.WriteNumberValue(token);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderrGate)
        {
            _stderr.AppendLine(line);
            if (_stderr.Length > 8000)
            {
                _stderr.Remove(0, _stderr.Length - 4000);
            }
        }
    }

    private string StderrTail()
    {
        lock (_stderrGate)
        {
            var text = _stderr.ToString().Trim();
            return text.Length == 0 ? "(no stderr)" : $"stderr: {text[Math.Max(0, text.Length - 1500)..]}";
        }
    }
}
