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
        // Defaults have one home: the engine's own options.
        private static readonly EngineOptions Defaults = new() { ModelPath = string.Empty };

        /// <summary>GGUF path; empty on a model-less silo (unless <see cref="Demo"/>).</summary>
        public string? Path { get; set; }

        public string? Name { get; set; }

        public int ContextSize { get; set; } = Defaults.ContextSize;

        public int BatchSize { get; set; } = Defaults.BatchSize;

        public int UBatchSize { get; set; } = Defaults.UBatchSize;

        public int Threads { get; set; }

        public int GpuLayers { get; set; }

        public bool FlashAttention { get; set; } = Defaults.FlashAttention;

        public int MaxSequences { get; set; } = Defaults.MaxSequences;

        public int QueueCapacity { get; set; } = Defaults.QueueCapacity;

        /// <summary>Of the queue, how many one tenant's requests may take (0 = a quarter).</summary>
        public int QueueCapacityPerTenant { get; set; } = Defaults.QueueCapacityPerTenant;

        /// <summary>Of the sequences, how many one tenant's one-off checks may hold (0 = all but one).</summary>
        public int MaxSequencesPerTenant { get; set; } = Defaults.MaxSequencesPerTenant;

        /// <summary>Prompt tokens per step for tenants over their share while others are active.</summary>
        public int SharedStepTokens { get; set; } = Defaults.SharedStepTokens;

        public int MaxNewTokens { get; set; } = Defaults.MaxNewTokens;

        public bool PrefixCache { get; set; } = Defaults.PrefixCache;

        public bool SessionCache { get; set; } = Defaults.SessionCache;

        public bool SpillToHost { get; set; } = Defaults.SpillToHost;

        public int MaxCachedSequences { get; set; } = Defaults.MaxCachedSequences;

        /// <summary>KV cells the cache may hold; 0 = half the context.</summary>
        public int CacheCells { get; set; }

        public long SpillBudgetBytes { get; set; } = Defaults.SpillBudgetBytes;

        /// <summary>
        /// Folder for the disk tier of spilled conversation branches (empty = no disk tier). Each engine uses its own
        /// subfolder and removes it on stop; subfolders left by dead engines are removed on start.
        /// </summary>
        public string? SpillPath { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "guardcluster-kv-spill");

        public long SpillDiskBudgetBytes { get; set; } = Defaults.SpillDiskBudgetBytes;

        /// <summary>Seconds after which an idle conversation branch is saved to host memory (0 = only under pressure).</summary>
        public int SpillAfterIdleSeconds { get; set; } = (int)Defaults.SpillAfterIdle.TotalSeconds;

        public bool FastVerdict { get; set; } = Defaults.FastVerdict;

        /// <summary>Extend each conversation's other role branch while the engine is idle.</summary>
        public bool PreExtendBranches { get; set; } = Defaults.PreExtendBranches;

        /// <summary>Tokens per decode call for that idle work (the most a request arriving meanwhile waits for).</summary>
        public int BackgroundChunkTokens { get; set; } = Defaults.BackgroundChunkTokens;

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
            QueueCapacityPerTenant = QueueCapacityPerTenant,
            MaxSequencesPerTenant = MaxSequencesPerTenant,
            SharedStepTokens = SharedStepTokens,
            MaxNewTokens = MaxNewTokens,
            PrefixCache = PrefixCache,
            SessionCache = SessionCache,
            SpillToHost = SpillToHost,
            MaxCachedSequences = MaxCachedSequences,
            CacheCells = CacheCells,
            SpillBudgetBytes = SpillBudgetBytes,
            SpillPath = string.IsNullOrWhiteSpace(SpillPath) ? null : SpillPath,
            SpillDiskBudgetBytes = SpillDiskBudgetBytes,
            SpillAfterIdle = TimeSpan.FromSeconds(SpillAfterIdleSeconds),
            FastVerdict = FastVerdict,
            PreExtendBranches = PreExtendBranches,
            BackgroundChunkTokens = BackgroundChunkTokens,
        };
    }

    public sealed class StorageSettings
    {
        /// <summary><c>Sqlite</c> (default, durable, one machine), <c>Postgres</c> or <c>Redis</c> (many machines), or <c>Memory</c> (tests only).</summary>
        public string Provider { get; set; } = "Sqlite";

        public string SqlitePath { get; set; } = "data/guardcluster.db";

        public string? RedisConnectionString { get; set; }

        public string? PostgresConnectionString { get; set; }
    }
}
