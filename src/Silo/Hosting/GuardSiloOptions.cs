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
