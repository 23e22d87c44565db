using System.Net;
using System.Security.Cryptography;
using GuardCluster.Gateway.Extensions;
using GuardCluster.Gateway.Health;
using GuardCluster.Grains;
using GuardCluster.Grains.Hosting;
using GuardCluster.Grains.Quotas;
using GuardCluster.Models;
using GuardCluster.Silo.Storage;
using GuardCluster.Silo.Storage.Postgres;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using GuardCluster.Contracts.Identity;


namespace GuardCluster.Silo.Hosting;

/// <summary>
/// Builds the silo host: Orleans silo (clustering, storage, dashboard, grains, model) co-hosting the HTTP API
/// on one ASP.NET Core app, as Orleans recommends, so one process can run the whole service.
/// </summary>
public static class GuardSilo
{
    public const string DefaultDemoUrl = "http://localhost:8080";

    /// <summary>Creates the builder: appsettings.json, environment (<c>Guard__AdminKey</c>), command line, and <c>--demo</c>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var demo = args.Contains("--demo", StringComparer.Ordinal);
        // Content root = the app's folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != "--demo").ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (demo)
        {
            builder.Configuration.AddInMemoryCollection([new("Guard:Demo", "true")]);
            if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            {
                builder.WebHost.UseUrls(DefaultDemoUrl);
            }
        }

        configure?.Invoke(builder);
        var guard = builder.Configuration.GetSection(GuardSiloOptions.Section).Get<GuardSiloOptions>() ?? new GuardSiloOptions();
        var orleans = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        EnsureAdminKey(builder, guard);

        var modelPath = ResolveModelPath(guard);
        var engine = modelPath is null ? null : guard.Model.ToEngineOptions(modelPath);

        // Before UseOrleans: hosted services start in order, so the schema exists before the silo reads it.
        AddPostgresSchemaInitializer(builder, orleans, guard.Storage);
        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, orleans);
            ConfigureTls(silo, orleans);
            silo.AddGuardStorage(guard.Storage);
            silo.AddGuardGrains(engine);
            silo.AddDashboard();
            silo.AddActivityPropagation();
        });

        builder.Services.AddGuardGateway(builder.Configuration);
        if (engine is not null && builder.Configuration[$"{Gateway.GatewayOptions.Section}:{nameof(Gateway.GatewayOptions.WorkerKeyRange)}"] is null)
        {
            // A stateless worker called from inside a silo that can host it always activates locally, so varying keys
            // only spreads calls over more activations here (each new key costs an activation, ~1 ms). Model-less
            // silos and external gateways keep the range: they must spread over the model silos.
            builder.Services.PostConfigure<Gateway.GatewayOptions>(o => o.WorkerKeyRange = 1);
        }

        builder.Services.AddSingleton<IGuardReadiness, SiloReadiness>();
        builder.Services.AddSingleton<Gateway.Quotas.IApiHostCount, SiloApiHostCount>();
        AddLimitDefaults(builder);
        return builder;
    }

    /// <summary>Builds the app: the HTTP API (problem details, auth, endpoints, OpenAPI) and the dashboard.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.MapGuardGateway();
        app.UseDashboardAuthentication();
        app.MapOrleansDashboard(routePrefix: DashboardAuthentication.Prefix);
        return app;
    }

    /// <summary>The server's default tenant quota (<c>Guard:Limits</c>); a value no operator could set stops the silo.</summary>
    private static void AddLimitDefaults(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TenantLimitDefaults.Section);
        var defaults = section.Get<TenantLimitDefaults>() ?? new TenantLimitDefaults();
        if (defaults.Problems().FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        builder.Services.Configure<TenantLimitDefaults>(section);
    }

    private static string? ResolveModelPath(GuardSiloOptions guard)
    {
        if (!string.IsNullOrWhiteSpace(guard.Model.Path))
        {
            return guard.Model.Path;
        }

        return guard.Demo ? DemoModel.EnsureCached() : null;
    }

    private static void EnsureAdminKey(WebApplicationBuilder builder, GuardSiloOptions guard)
    {
        if (!string.IsNullOrWhiteSpace(guard.AdminKey))
        {
            if (!GuardKeys.IsAcceptableAdminKey(guard.AdminKey))
            {
                throw new InvalidOperationException($"Guard:AdminKey must be at least {GuardKeys.MinAdminKeyLength} characters.");
            }

            return;
        }

        if (!guard.Demo)
        {
            throw new InvalidOperationException(
                "No admin key configured: set Guard:AdminKey (environment Guard__AdminKey) or run with --demo.");
        }

        var generated = "gca." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        builder.Configuration.AddInMemoryCollection([new("Guard:AdminKey", generated)]);
        guard.AdminKey = generated;
        Console.WriteLine($"Demo admin key (shown once): {generated}");
    }

    private static void ConfigureClustering(ISiloBuilder silo, ClusterSettings orleans)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = orleans.ClusterId;
            o.ServiceId = orleans.ServiceId;
        });
        ConfigureMembership(silo, orleans.Membership);

        if (string.Equals(orleans.Clustering, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            var connection = orleans.RedisConnectionString
                ?? throw new InvalidOperationException("Cluster:RedisConnectionString is required for Redis clustering.");
            silo.UseRedisClustering(connection);
            ConfigureNetworkEndpoints(silo, orleans);
        }
        else if (string.Equals(orleans.Clustering, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            var connection = orleans.PostgresConnectionString
                ?? throw new InvalidOperationException("Cluster:PostgresConnectionString is required for Postgres clustering.");
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresSchema.Invariant;
                o.ConnectionString = connection;
            });
            ConfigureNetworkEndpoints(silo, orleans);
        }
        else if (string.Equals(orleans.Clustering, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            if (orleans.Kubernetes)
            {
                throw new InvalidOperationException("Cluster:Kubernetes needs a shared membership store: set Cluster:Clustering to Postgres or Redis.");
            }

            var primary = orleans.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
            silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, primary, orleans.ServiceId, orleans.ClusterId);
        }
        else
        {
            throw new InvalidOperationException($"Unknown Cluster:Clustering '{orleans.Clustering}' (use Localhost, Postgres or Redis).");
        }
    }

    /// <summary>Failure detection: <c>Cluster:Membership:*</c> over Orleans' defaults (see <see cref="ClusterSettings.MembershipSettings"/>).</summary>
    private static void ConfigureMembership(ISiloBuilder silo, ClusterSettings.MembershipSettings settings)
    {
        // Checked here, at build time, so a bad value stops the silo with one line before anything starts.
        var probe = Seconds(settings.ProbeTimeoutSeconds, "ProbeTimeoutSeconds");
        var missed = Positive(settings.NumMissedProbesLimit, "NumMissedProbesLimit");
        var probed = Positive(settings.NumProbedSilos, "NumProbedSilos");
        var votes = Positive(settings.NumVotesForDeathDeclaration, "NumVotesForDeathDeclaration");
        var voteExpiry = Seconds(settings.DeathVoteExpirationSeconds, "DeathVoteExpirationSeconds");
        var refresh = Seconds(settings.TableRefreshSeconds, "TableRefreshSeconds");
        var alive = Seconds(settings.IAmAliveTablePublishSeconds, "IAmAliveTablePublishSeconds");
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            if (probe is { } timeout)
            {
                o.ProbeTimeout = timeout;
                o.MinProbeTimeout = timeout / 2;
                o.MaxProbeTimeout = timeout * 4;
            }

            o.NumMissedProbesLimit = missed ?? o.NumMissedProbesLimit;
            o.NumProbedSilos = probed ?? o.NumProbedSilos;
            o.NumVotesForDeathDeclaration = votes ?? o.NumVotesForDeathDeclaration;
            o.DeathVoteExpirationTimeout = voteExpiry ?? o.DeathVoteExpirationTimeout;
            o.TableRefreshTimeout = refresh ?? o.TableRefreshTimeout;
            o.IAmAliveTablePublishTimeout = alive ?? o.IAmAliveTablePublishTimeout;
        });

        static TimeSpan? Seconds(double? value, string name) => value switch
        {
            null => null,
            > 0 and <= 3600 => TimeSpan.FromSeconds(value.Value),
            _ => throw new InvalidOperationException($"Cluster:Membership:{name} must be more than 0 and at most 3600 seconds."),
        };

        static int? Positive(int? value, string name) => value is null or > 0
            ? value
            : throw new InvalidOperationException($"Cluster:Membership:{name} must be at least 1.");
    }

    /// <summary>Many machines: listen on all addresses, advertise one other machines reach (never loopback).</summary>
    private static void ConfigureNetworkEndpoints(ISiloBuilder silo, ClusterSettings orleans)
    {
        if (orleans.Kubernetes)
        {
            // The pod's IP (POD_IP) and name, and ClusterId/ServiceId from ORLEANS_CLUSTER_ID/ORLEANS_SERVICE_ID when set;
            // the ports stay ours. Silos of a dead pod are declared dead (and the pod deleted) by a silo watching the API.
            silo.ConfigureEndpoints(orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseKubernetesHosting();
            return;
        }

        var address = orleans.AdvertisedIp is { } ip ? IPAddress.Parse(ip) : FirstNonLoopbackAddress();
        silo.ConfigureEndpoints(address, orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: true);
    }

    private static void ConfigureTls(ISiloBuilder silo, ClusterSettings orleans)
    {
        if (orleans.Tls.Enabled)
        {
            var certificate = orleans.Tls.LoadCertificate();
            silo.UseTls(certificate, options => ClusterTlsSettings.Configure(options, certificate));
        }
    }

    private static void AddPostgresSchemaInitializer(WebApplicationBuilder builder, ClusterSettings orleans, GuardSiloOptions.StorageSettings storage)
    {
        if (!orleans.PostgresInitSchema)
        {
            return;
        }

        var targets = PostgresSchemaTargets(orleans, storage);
        if (targets.Count == 0)
        {
            throw new InvalidOperationException("Cluster:PostgresInitSchema is true but neither Cluster:Clustering nor Guard:Storage:Provider is Postgres.");
        }

        builder.Services.AddHostedService(_ => new PostgresSchemaInitializer(targets));
    }

    /// <summary>The PostgreSQL databases this configuration uses, with the script each needs.</summary>
    public static IReadOnlyList<(string ConnectionString, string Script)> PostgresSchemaTargets(ClusterSettings orleans, GuardSiloOptions.StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(orleans);
        ArgumentNullException.ThrowIfNull(storage);
        var targets = new List<(string, string)>();
        if (string.Equals(orleans.Clustering, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            targets.Add((orleans.PostgresConnectionString
                ?? throw new InvalidOperationException("Cluster:PostgresConnectionString is required for Postgres clustering."), PostgresSchema.ClusteringScript));
        }

        if (string.Equals(storage.Provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            targets.Add((storage.PostgresConnectionString
                ?? throw new InvalidOperationException("Guard:Storage:PostgresConnectionString is required for Postgres storage."), PostgresSchema.StorageScript));
        }

        return targets;
    }

    private static IPAddress FirstNonLoopbackAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("No non-loopback IPv4 address found; set Cluster:AdvertisedIp.");

    /// <summary>Registers the grain storage that holds tenants and conversations.</summary>
    public static ISiloBuilder AddGuardStorage(this ISiloBuilder silo, GuardSiloOptions.StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(storage);
        switch (storage.Provider.ToUpperInvariant())
        {
            case "SQLITE":
                silo.Services.AddKeyedSingleton<IGrainStorage>(GuardStorage.Name, (sp, _) =>
                    new SqliteGrainStorage(storage.SqlitePath, sp.GetRequiredService<Serializer>()));
                break;
            case "REDIS":
                var connection = storage.RedisConnectionString
                    ?? throw new InvalidOperationException("Guard:Storage:RedisConnectionString is required for Redis storage.");
                // Orleans' own binary serializer (as with SQLite): our state holds Core records that JSON would mangle.
                silo.AddRedisGrainStorage(GuardStorage.Name, options => options.Configure<Serializer>((o, serializer) =>
                {
                    o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(connection);
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                    o.DeleteStateOnClear = true;
                }));
                break;
            case "POSTGRES":
                var postgres = storage.PostgresConnectionString
                    ?? throw new InvalidOperationException("Guard:Storage:PostgresConnectionString is required for Postgres storage.");
                // Orleans' binary serializer, as with SQLite and Redis (the ADO.NET provider's JSON default would mangle Core records).
                silo.AddAdoNetGrainStorage(GuardStorage.Name, options => options.Configure<Serializer>((o, serializer) =>
                {
                    o.Invariant = PostgresSchema.Invariant;
                    o.ConnectionString = postgres;
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                break;
            case "MEMORY":
                silo.AddMemoryGrainStorage(GuardStorage.Name);
                break;
            default:
                throw new InvalidOperationException($"Unknown Guard:Storage:Provider '{storage.Provider}' (use Sqlite, Postgres, Redis or Memory).");
        }

        return silo;
    }
}
