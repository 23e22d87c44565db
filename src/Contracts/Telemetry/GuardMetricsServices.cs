using System.Diagnostics.Metrics;
using System.Globalization;
using GuardCluster.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GuardCluster.Contracts.Telemetry;

/// <summary>Registers the host's one <see cref="GuardMetrics"/> (shared by the HTTP API, the grains and the engine).</summary>
public static class GuardMetricsServices
{
    /// <summary>How many tenants get a <c>tenant</c> label of their own (default <see cref="GuardMetrics.DefaultTenantLabelLimit"/>).</summary>
    public const string TenantLabelLimitKey = "Guard:Metrics:TenantLabelLimit";

    public static IServiceCollection AddGuardMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new GuardMetrics(sp.GetService<IMeterFactory>(), TenantLabelLimit(sp.GetService<IConfiguration>())));
        return services;
    }

    /// <summary>Reads <see cref="TenantLabelLimitKey"/>; a value that is not a whole number ≥ 0 stops the host.</summary>
    public static int TenantLabelLimit(IConfiguration? configuration)
    {
        var text = configuration?[TenantLabelLimitKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return GuardMetrics.DefaultTenantLabelLimit;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit >= 0
            ? limit
            : throw new InvalidOperationException($"{TenantLabelLimitKey} must be a whole number ≥ 0; got '{text}'.");
    }
}
