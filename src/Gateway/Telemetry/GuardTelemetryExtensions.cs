using System.Diagnostics.Metrics;
using GuardCluster.Contracts.Telemetry;
using GuardCluster.Core.Telemetry;
using GuardCluster.Gateway.Auth;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GuardCluster.Gateway.Telemetry;

/// <summary>
/// OpenTelemetry for an API host (silo or standalone gateway): metrics from GuardCluster's own meter, Orleans, ASP.NET
/// Core and the .NET runtime, served as Prometheus text at <c>GET /metrics</c> (admin key unless
/// <c>Guard:Metrics:Public</c>), and pushed with traces over OTLP when <c>Guard:Metrics:OtlpEndpoint</c> is set.
/// </summary>
public static class GuardTelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' meter and activity sources (grain calls, with <c>AddActivityPropagation</c> on silo and client).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddGuardTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MetricsOptions.Section);
        var options = section.Get<MetricsOptions>() ?? new MetricsOptions();
        _ = GuardMetricsServices.TenantLabelLimit(configuration); // a bad value stops the host here, not at the first request
        services.Configure<MetricsOptions>(section);
        services.AddGuardMetrics();

        Uri? otlp = null;
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out otlp))
        {
            throw new InvalidOperationException($"Guard:Metrics:OtlpEndpoint must be an absolute URI; got '{options.OtlpEndpoint}'.");
        }

        var protocol = options.OtlpProtocol.ToUpperInvariant() switch
        {
            "GRPC" => OtlpExportProtocol.Grpc,
            "HTTP" or "HTTP/PROTOBUF" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new InvalidOperationException($"Guard:Metrics:OtlpProtocol must be grpc or http; got '{options.OtlpProtocol}'."),
        };

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("guardcluster"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GuardMetrics.MeterName, OrleansMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter((exporter, reader) => Otlp(exporter, otlp, protocol, "v1/metrics"));
                }
            });
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            // Meters are process-wide, so a listener sees every host's in this process (tests, several silos in one
            // process): GuardCluster's, Orleans' and ASP.NET Core's meters come from each host's IMeterFactory. Export only
            // this host's (and the process-wide ones, such as the runtime's); otherwise same-named instruments of two hosts
            // would share one stream, which dies with the first host to stop.
            var own = sp.GetService<IMeterFactory>();
            metrics.AddView(instrument =>
                instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
        });

        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(GuardTracing.SourceName)
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal))
                .AddOtlpExporter(exporter => Otlp(exporter, otlp, protocol, "v1/traces")));
        }

        return services;
    }

    private static void Otlp(OtlpExporterOptions exporter, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        exporter.Protocol = protocol;
        exporter.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, signalPath) : endpoint;
    }

    /// <summary>Request telemetry first (it sees every answer, including errors and auth refusals).</summary>
    public static WebApplication UseGuardRequestTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestTelemetryMiddleware>();
        return app;
    }

    /// <summary><c>GET /metrics</c>: Prometheus text; the admin key (Bearer) is required unless <c>Guard:Metrics:Public</c>.</summary>
    public static IEndpointConventionBuilder MapGuardMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath).WithTags("Operations");
        if (!app.Configuration.GetValue<bool>($"{MetricsOptions.Section}:{nameof(MetricsOptions.Public)}"))
        {
            endpoint.RequireAdmin();
        }

        return endpoint;
    }
}
