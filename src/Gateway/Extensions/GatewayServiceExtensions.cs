using System.Text.Json;
using System.Text.Json.Serialization;
using GuardCluster.Gateway.Apis;
using GuardCluster.Gateway.Audit;
using GuardCluster.Gateway.Auth;
using GuardCluster.Gateway.Errors;
using GuardCluster.Gateway.OpenApi;
using GuardCluster.Gateway.Quotas;
using GuardCluster.Gateway.Routing;
using GuardCluster.Gateway.Telemetry;
using GuardCluster.Gateway.Tenants;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;
using GuardCluster.Core;
using GuardCluster.Core.Policies;
using GuardCluster.Contracts.Identity;

namespace GuardCluster.Gateway.Extensions;

/// <summary>
/// Wires the HTTP API into any ASP.NET Core host that has an <see cref="IGrainFactory"/> in DI: the standalone
/// gateway (Orleans client) and the co-hosting silo. The host must also register an
/// <see cref="Health.IGuardReadiness"/>.
/// </summary>
public static class GatewayServiceExtensions
{
    public static IServiceCollection AddGuardGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var adminKey = configuration[AdminKey.ConfigKey];
        if (!GuardKeys.IsAcceptableAdminKey(adminKey))
        {
            // No silent "admin API closed" mode: an operator who forgot the key finds out at start-up.
            throw new InvalidOperationException(
                $"Guard:AdminKey (environment Guard__AdminKey) must be set to at least {GuardKeys.MinAdminKeyLength} characters.");
        }

        var section = configuration.GetSection(GatewayOptions.Section);
        services.Configure<GatewayOptions>(section);
        AddPolicyLimits(services, configuration);
        var maxBody = section.GetValue<long?>(nameof(GatewayOptions.MaxBodyBytes)) ?? new GatewayOptions().MaxBodyBytes;
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = maxBody);

        services.ConfigureHttpJsonOptions(json =>
        {
            // Dictionary keys stay as given: category codes (S1) and OpenAI names (self-harm/intent) are data.
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));

            // Numbers are numbers on the wire (the web default also reads "1" as 1); the OpenAPI document follows this.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Before AddProblemDetails: the first writer that accepts a problem writes it, and OpenAI routes want theirs.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAiErrorWriter>());
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // snake_case everywhere, including the trace id ASP.NET Core adds as "traceId".
            if (context.ProblemDetails.Extensions.Remove("traceId", out var traceId))
            {
                context.ProblemDetails.Extensions["trace_id"] = traceId;
            }

            // Framework-made answers (unknown route, wrong method, non-JSON Content-Type) get a code too,
            // so clients can always switch on "code".
            context.ProblemDetails.Extensions.TryAdd("code", FrameworkCode(context.ProblemDetails.Status));
            context.HttpContext.Features.Get<RequestTelemetry>()?.ProblemCode = context.ProblemDetails.Extensions["code"] as string;
        });
        services.AddExceptionHandler<GuardExceptionHandler>();
        services.AddGuardOpenApi();

        services.AddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(QuotaClock.Key, TimeProvider.System);
        services.TryAddSingleton<IApiHostCount, ConfiguredApiHostCount>();
        services.AddSingleton<TenantQuotaGate>();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<AdminKey>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<WorkerKeys>();
        services.Configure<Health.ShutdownOptions>(configuration.GetSection(Health.ShutdownOptions.Section));
        services.AddHostedService<Health.ShutdownDrain>();
        services.AddGuardTelemetry(configuration);
        services.AddGuardAudit(configuration);
        return services;
    }

    private static string FrameworkCode(int? status) => status switch
    {
        404 => GuardErrorCodes.NotFound,
        405 => GuardErrorCodes.MethodNotAllowed,
        415 => GuardErrorCodes.UnsupportedMediaType,
        _ => "http_" + status?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Adds the error handler and auth middleware, then maps every endpoint, OpenAPI and <c>/docs</c>.</summary>
    public static WebApplication MapGuardGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseGuardRequestTelemetry();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<GuardAuthMiddleware>();

        // One root group so every API endpoint hands its answer (verdicts, timings) to the request's log line.
        var api = app.MapGroup("").AddEndpointFilter<VerdictCaptureFilter>().DescribeGuardApi();
        api.MapHealthApi();
        api.MapTenantsApi();
        api.MapTenantPolicyApi();
        api.MapPolicyApi();
        api.MapClassifyApi();
        api.MapConversationsApi();
        api.MapModerationsApi();
        api.MapAuditApi();
        app.MapGuardMetrics();

        app.MapOpenApi();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("GuardCluster API"));
        return app;
    }

    /// <summary>
    /// <c>Guard:Policy</c>: the size limits on categories. Bound here because every host that runs this (API hosts and
    /// silos, which add the API too) validates policies: per-request categories here, stored policies in the tenant grain.
    /// </summary>
    private static void AddPolicyLimits(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(PolicyLimits.Section);
        var limits = section.Get<PolicyLimits>() ?? PolicyLimits.Default;
        if (limits.Problems().FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        services.Configure<PolicyLimits>(section);
    }
}
