using GuardCluster.Core.Telemetry;

namespace GuardCluster.Gateway.Telemetry;

/// <summary><c>Guard:Metrics</c>: the Prometheus scrape endpoint, OTLP export and the <c>tenant</c> label cap.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Guard:Metrics";

    /// <summary>Serve <c>GET /metrics</c> without the admin key (e.g. on a network only Prometheus reaches).</summary>
    public bool Public { get; set; }

    /// <summary>Also push metrics and traces over OTLP to this collector (e.g. <c>http://otel-collector:4317</c>); none when empty.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http</c> (http/protobuf; the endpoint is then the collector's base address).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>How many tenants get a <c>tenant</c> label of their own; the others are reported as <c>_other</c>.</summary>
    public int TenantLabelLimit { get; set; } = GuardMetrics.DefaultTenantLabelLimit;
}
