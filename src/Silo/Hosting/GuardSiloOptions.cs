using GuardCluster.Engine;

namespace GuardCluster.Silo.Hosting;

/// <summary>The <c>Guard</c> configuration section of a silo.</summary>
public sealed class GuardSiloOptions
{
    public const string Section = "Guard";

    /// <summary>Generate and load the demo model; generate an admin key if none is configured.</summary>
    public bool Demo { get; set; }

    public string? AdminKey { get; set; }

    public ModelSettings Model { get; set; } = new();

    public StorageSettings Storage { get; set; } = new();

    public sealed class ModelSettings
    {
        /// <summary>GGUF path; empty on a model-less silo (unless <see cref="Demo"/>).</summary>
        public string? Path { get; set; }

        public string? Name { get; set; }

        public int ContextSize { get; set; } = 8192;

        public int BatchSize { get; set; } = 512;

        public int UBatchSize { get; set; } = 512;

        public int Threads { get; set; }

        public int GpuLayers { get; set; }

        public bool FlashAttention { get; set; } = true;

        public int MaxSequences { get; set; } = 8;

        public int QueueCapacity { get; set; } = 256;

        public int MaxNewTokens { get; set; } = 20;

        public bool PrefixCache { get; set; } = true;

        public bool SessionCache { get; set; } = true;

        public bool SpillToHost { get; set; } = true;

        public int MaxCachedSequences { get; set; } = 64;

        /// <summary>KV cells the cache may hold; 0 = half the context.</summary>
        public int CacheCells { get; set; }

        public long SpillBudgetBytes { get; set; } = 512L * 1024 * 1024;

        /// <summary>Seconds after which an idle conversation branch is saved to host memory (0 = only under pressure).</summary>
        public int SpillAfterIdleSeconds { get; set; } = 30;

        public bool FastVerdict { get; set; } = true;

        /// <summary>Extend each conversation's other role branch while the engine is idle.</summary>
        public bool PreExtendBranches { get; set; } = true;

        /// <summary>Tokens per decode call for that idle work (the most a request arriving meanwhile waits for).</summary>
        public int BackgroundChunkTokens { get; set; } = 16;

        public EngineOptions ToEngineOptions(string path) => new()
        {
            ModelPath = path,
            ModelName = Name,
            ContextSize = ContextSize,
            BatchSize = BatchSize,
            UBatchSize = UBatchSize,
            Threads = Threads,
            GpuLayers = GpuLayers,
            FlashAttention = FlashAttention,
            MaxSequences = MaxSequences,
            QueueCapacity = QueueCapacity,
            MaxNewTokens = MaxNewTokens,
            PrefixCache = PrefixCache,
            SessionCache = SessionCache,
            SpillToHost = SpillToHost,
            MaxCachedSequences = MaxCachedSequences,
            CacheCells = CacheCells,
            SpillBudgetBytes = SpillBudgetBytes,
            SpillAfterIdle = TimeSpan.FromSeconds(SpillAfterIdleSeconds),
            FastVerdict = FastVerdict,
            PreExtendBranches = PreExtendBranches,
            BackgroundChunkTokens = BackgroundChunkTokens,
        };
    }

    public sealed class StorageSettings
    {
        /// <summary><c>Sqlite</c> (default, durable, one machine), <c>Redis</c> (many machines) or <c>Memory</c> (tests only).</summary>
        public string Provider { get; set; } = "Sqlite";

        public string SqlitePath { get; set; } = "data/guardcluster.db";

        public string? RedisConnectionString { get; set; }
    }
}
