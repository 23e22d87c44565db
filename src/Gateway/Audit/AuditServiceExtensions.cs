namespace GuardCluster.Gateway.Audit;

/// <summary>Registers the audit log of an API host from <c>Guard:Audit</c>: the store, the writer and the retention job.</summary>
public static class AuditServiceExtensions
{
    public static IServiceCollection AddGuardAudit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(AuditOptions.Section);
        var options = section.Get<AuditOptions>() ?? new AuditOptions();
        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        services.Configure<AuditOptions>(section);
        switch (options.Provider.ToUpperInvariant())
        {
            case "SQLITE":
                services.AddSingleton<IAuditStore>(new SqliteAuditStore(options.Path));
                break;
            case "NONE":
                break;
            case "POSTGRES":
                var connection = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? throw new InvalidOperationException("Guard:Audit:ConnectionString is required for Guard:Audit:Provider=postgres.")
                    : options.ConnectionString;
                services.AddSingleton<IAuditStore>(new PostgresAuditStore(connection));
                break;
            default:
                throw new InvalidOperationException($"Unknown Guard:Audit:Provider '{options.Provider}' (use sqlite, postgres or none).");
        }

        services.AddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.AddSingleton<AuditPurge>();
        services.AddSingleton<AuditExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditExpiry>());
        return services;
    }
}
