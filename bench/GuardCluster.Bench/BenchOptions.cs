using System.Globalization;

namespace GuardCluster.Bench;

/// <summary>Command-line settings. Every workload size is an option so the full run can be tuned to the machine.</summary>
public sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> AllWorkloads = ["w1", "w2", "w3", "w4", "w5", "w6", "w7"];

    public bool Quick { get; init; }

    /// <summary>GGUF to benchmark; null = demo model (quick) or the synthetic Llama-Guard-3-1B shape (full).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Run the full-size workloads on the demo model (handy to check the harness without the 1.3 GB model).</summary>
    public bool Demo { get; init; }

    public int Threads { get; init; }

    public int ContextSize { get; init; } = 8192;

    public int Single { get; init; } = 50;

    public int Conversations { get; init; } = 1;

    /// <summary>Conversations the slow baselines replay (a subset of the engine's, same seeds).</summary>
    public int BaselineConversations { get; init; } = 1;

    public int Turns { get; init; } = 20;

    /// <summary>Workload 2's extra engine run: pause between turns, as a chat has (0 skips the run).</summary>
    public int ThinkMs { get; init; } = 1000;

    /// <summary>Checks in the mixed-tenant workload (round-robin over the 4 tenants).</summary>
    public int Mixed { get; init; } = 12;

    /// <summary>Requests per concurrency level.</summary>
    public int ConcurrencyRequests { get; init; } = 24;

    public IReadOnlyList<int> Callers { get; init; } = [1, 4, 16];

    public int HttpRequests { get; init; } = 200;

    /// <summary>Workload 6: open conversations per run (one run per value).</summary>
    public IReadOnlyList<int> ManyConversations { get; init; } = [8, 64, 256];

    /// <summary>Workload 6: turns per conversation for each value of <see cref="ManyConversations"/> (the last repeats).</summary>
    public IReadOnlyList<int> ManyTurns { get; init; } = [8, 4, 3];

    /// <summary>Workload 6: checks of each run the slow baselines replay (evenly spaced over the stream).</summary>
    public int ManyBaselineChecks { get; init; } = 16;

    /// <summary>Workload 7: tenant A's prompts in flight.</summary>
    public int NoisyInFlight { get; init; } = 8;

    /// <summary>Workload 7: words in each of tenant A's prompts.</summary>
    public int NoisyWords { get; init; } = 400;

    /// <summary>Workload 7: tenant B's single checks (alone, then with A).</summary>
    public int NoisyChecks { get; init; } = 16;

    /// <summary>Folder for the engine's disk tier of conversation KV (null = a folder under the system temp folder).</summary>
    public string? SpillPath { get; init; }

    public int Seed { get; init; } = 42;

    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(AllWorkloads);

    public string? JsonPath { get; init; }

    public bool FlashAttention { get; init; } = true;

    /// <summary>Engine feature switches, for ablations (each defaults to the engine's default: on).</summary>
    public bool FastVerdict { get; init; } = true;

    /// <summary>
    /// Answer cap for the engine and the baselines alike (the model card's <c>max_new_tokens=20</c>). The scripted
    /// synthetic model answers like Llama Guard (3–6 tokens); with <see cref="RandomAnswers"/> every check runs to the cap.
    /// </summary>
    public int MaxNewTokens { get; init; } = 20;

    /// <summary>Use the plain random-weight synthetic model (answers are noise) instead of the scripted one.</summary>
    public bool RandomAnswers { get; init; }

    /// <summary>
    /// Transformer blocks of the synthetic model (default 16, Llama-Guard-3-1B's). Fewer give a slice with the same
    /// widths, vocabulary and quantization: the same kernels per token at a fraction of the cost and file size, for
    /// quick per-token comparisons (e.g. the peer's) without the 1.3 GB model.
    /// </summary>
    public int Layers { get; init; } = 16;

    public bool PrefixCache { get; init; } = true;

    public bool SessionCache { get; init; } = true;

    /// <summary>Run the peer system (node-llama-cpp in a child process) in w1–w3; <c>--no-peer</c> skips it.</summary>
    public bool Peer { get; init; } = true;

    /// <summary>
    /// For CI: exit with code 3 when a verdict column says DIFF (except with <see cref="RandomAnswers"/>) or when the
    /// peer was asked for but could not run.
    /// </summary>
    public bool Strict { get; init; }

    public bool Help { get; init; }

    /// <summary>Only find or build the model (tokenizer download, synthetic model), then exit.</summary>
    public bool Prepare { get; init; }

    /// <summary>llama.cpp threads actually used (0 = all cores, as the engine does).</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    public bool Runs(string workload) => Only.Contains(workload);

    /// <summary>Small counts on the demo model: the whole run takes seconds (README sample).</summary>
    public static BenchOptions QuickDefaults { get; } = new()
    {
        Quick = true,

        // The demo model is too small for threads to help; on a busy 2-core box OpenMP spinning only adds noise.
        Threads = 1,
        Single = 40,
        Conversations = 2,
        BaselineConversations = 2,
        Turns = 10,
        ThinkMs = 100,
        Mixed = 32,
        ConcurrencyRequests = 64,
        HttpRequests = 300,
        ManyConversations = [4, 24],
        ManyTurns = [4, 3],
        ManyBaselineChecks = 8,
        NoisyWords = 40,
        NoisyChecks = 8,
    };

    public const string Usage = """
        usage: dotnet run -c Release --project bench/GuardCluster.Bench -- [options]

          --quick                 demo model, small counts, under a minute (all workloads)
          --model PATH            GGUF to benchmark (default: synthetic Llama-Guard-3-1B shape, built in the cache)
          --random-answers        synthetic model without the answer script (random answers, run to the cap)
          --layers N              synthetic model with N of its 16 blocks (a cheaper slice of the same shape)
          --demo                  full-size counts on the demo model
          --prepare               only fetch the tokenizer and build the synthetic model, then exit
          --threads N             llama.cpp threads (default: all cores; 1 with --quick)
          --ctx N                 KV cells per context (default 8192)
          --no-flash-attention    turn flash attention off (engine and baselines)
          --no-fast-verdict       engine: decode the leading "\n\n" and the final <|eot_id|> (plain greedy)
          --no-prefix-cache       engine: no shared policy-header KV
          --no-session-cache      engine: no per-conversation KV branches
          --strict                exit 3 on any verdict DIFF or when the peer cannot run (CI)
          --no-peer               skip the node-llama-cpp peer rows (w1–w3; needs node and npm ci --prefix bench/peers)
          --single N              workload 1: single checks (default 50)
          --max-new-tokens N      answer cap, engine and baselines alike (default 20, as the model card)
          --conversations N       workload 2: conversations for GuardCluster (default 1)
          --baseline-conversations N  workload 2: conversations the slow baselines replay (default 1)
          --turns N               workload 2: turns per conversation (default 20)
          --think-ms N            workload 2: extra engine run pausing N ms between turns (default 1000; 0 = skip)
          --mixed N               workload 3: checks over 4 tenants (default 12)
          --concurrency-requests N  workload 4: requests per caller count (default 24)
          --callers a,b,c         workload 4: caller counts (default 1,4,16)
          --http N                workload 5: requests per path (default 200)
          --many a,b,c            workload 6: open conversations per run (default 8,64,256)
          --many-turns a,b,c      workload 6: turns per conversation for each run (default 8,4,3; the last repeats)
          --many-baseline N       workload 6: sampled checks the baselines replay per run (default 16)
          --noisy-in-flight N     workload 7: tenant A's long prompts in flight (default 8)
          --noisy-words N         workload 7: words per tenant A prompt (default 400)
          --noisy-checks N        workload 7: tenant B's single checks, alone and with A (default 16)
          --spill-path DIR        engine's disk tier for conversation KV (default: <temp>/guardcluster-bench-spill)
          --seed N                text generator seed (default 42)
          --only w1,w2,...        run only these workloads
          --json FILE             also write the results as JSON
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = args.Contains("--quick") ? QuickDefaults : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
            int Int() => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v
                : throw new ArgumentException($"{a} needs a non-negative integer");
            o = a switch
            {
                "--quick" => o,
                "--help" or "-h" => o with { Help = true },
                "--model" => o with { ModelPath = Next() },
                "--demo" => o with { Demo = true },
                "--random-answers" => o with { RandomAnswers = true },
                "--layers" => o with { Layers = Int() },
                "--prepare" => o with { Prepare = true },
                "--threads" => o with { Threads = Int() },
                "--ctx" => o with { ContextSize = Int() },
                "--no-flash-attention" => o with { FlashAttention = false },
                "--no-fast-verdict" => o with { FastVerdict = false },
                "--max-new-tokens" => o with { MaxNewTokens = Int() },
                "--no-prefix-cache" => o with { PrefixCache = false },
                "--no-session-cache" => o with { SessionCache = false },
                "--no-peer" => o with { Peer = false },
                "--strict" => o with { Strict = true },
                "--single" => o with { Single = Int() },
                "--conversations" => o with { Conversations = Int() },
                "--baseline-conversations" => o with { BaselineConversations = Int() },
                "--turns" => o with { Turns = Int() },
                "--think-ms" => o with { ThinkMs = Int() },
                "--mixed" => o with { Mixed = Int() },
                "--concurrency-requests" => o with { ConcurrencyRequests = Int() },
                "--callers" => o with { Callers = ParseList(Next(), a) },
                "--http" => o with { HttpRequests = Int() },
                "--many" => o with { ManyConversations = ParseList(Next(), a) },
                "--many-turns" => o with { ManyTurns = ParseList(Next(), a) },
                "--many-baseline" => o with { ManyBaselineChecks = Int() },
                "--noisy-in-flight" => o with { NoisyInFlight = Math.Max(1, Int()) },
                "--noisy-words" => o with { NoisyWords = Int() },
                "--noisy-checks" => o with { NoisyChecks = Math.Max(1, Int()) },
                "--spill-path" => o with { SpillPath = Next() },
                "--seed" => o with { Seed = Int() },
                "--only" => o with { Only = ParseOnly(Next()) },
                "--json" => o with { JsonPath = Next() },
                _ => throw new ArgumentException($"unknown option {a}"),
            };
        }

        if (o.Quick && o.ModelPath is not null)
        {
            throw new ArgumentException("--quick always uses the demo model; drop --model");
        }

        if (o.Layers is < 1 or > 16)
        {
            throw new ArgumentException("--layers must be between 1 and 16");
        }

        if (o.MaxNewTokens < 2)
        {
            throw new ArgumentException("--max-new-tokens must be at least 2");
        }

        return o with { BaselineConversations = Math.Min(o.BaselineConversations, o.Conversations) };
    }

    private static int[] ParseList(string value, string option)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out list[i]) || list[i] < 1)
            {
                throw new ArgumentException($"{option} takes positive integers separated by commas");
            }
        }

        return list.Length > 0 ? list : throw new ArgumentException($"{option} needs at least one value");
    }

    private static HashSet<string> ParseOnly(string value)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!AllWorkloads.Contains(part.ToLowerInvariant()))
            {
                throw new ArgumentException($"--only: unknown workload '{part}' (use {string.Join(',', AllWorkloads)})");
            }

            set.Add(part.ToLowerInvariant());
        }

        return set;
    }
}
