using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using GuardCluster.Cluster.Tests.Postgres;
using GuardCluster.Gateway.Extensions;
using GuardCluster.Gateway.Health;
using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GuardCluster.Cluster.Tests.Tls;

/// <summary>
/// <c>Cluster:Tls</c>: two silos whose silo-to-silo link is mutual TLS with a self-signed cluster certificate
/// made here. Memory storage and no model, so the tenant lives only in the activation on one silo and the other silo's HTTP
/// call must cross the TLS link to reach it. A standalone gateway (Orleans client) connects over TLS too, and
/// both Orleans ports refuse a TLS peer without the cluster key.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private const string AdminKey = "tls-admin-key-0123456789abc";
    private const string Password = "cluster-cert-password";
    private readonly string _certificate = Path.Combine(Path.GetTempPath(), $"guard-cluster-{Guid.NewGuid():N}.pfx");

    public ClusterTlsTests()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=guardcluster-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(_certificate, certificate.Export(X509ContentType.Pfx, Password));
    }

    public void Dispose() => File.Delete(_certificate);

    [Fact]
    public async Task Two_silos_and_a_gateway_talk_over_mutual_tls()
    {
        var primaryPort = PostgresServer.FreePort();
        var primaryGatewayPort = PostgresServer.FreePort();
        var a = await StartSiloAsync(primaryPort, primary: null, primaryGatewayPort);
        try
        {
            var b = await StartSiloAsync(PostgresServer.FreePort(), primary: primaryPort);
            try
            {
                using var admin = Client(a, AdminKey);
                using var created = await admin.PostAsJsonAsync("/v1/tenants", new { id = "tls-tenant" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                using var adminB = Client(b, AdminKey);
                using var fromB = await adminB.GetAsync("/v1/tenants/tls-tenant");
                var text = await fromB.Content.ReadAsStringAsync();

                Assert.True(fromB.IsSuccessStatusCode, text);
                Assert.Equal("tls-tenant", JsonDocument.Parse(text).RootElement.GetProperty("id").GetString());

                // The silo port takes only TLS from holders of the cluster key.
                using var cluster = X509CertificateLoader.LoadPkcs12FromFile(_certificate, Password);
                using var stranger = SelfSigned("CN=stranger");
                Assert.True(await HandshakeAsync(primaryPort, cluster));
                Assert.False(await HandshakeAsync(primaryPort, stranger));
                Assert.False(await HandshakeAsync(primaryGatewayPort, stranger));

                // A standalone gateway (Orleans client) with the cluster certificate reaches the silos.
                var gateway = await StartGatewayAsync(primaryPort, primaryGatewayPort);
                try
                {
                    using var viaGateway = Client(gateway, AdminKey);
                    using var tenant = await viaGateway.GetAsync("/v1/tenants/tls-tenant");
                    Assert.True(tenant.IsSuccessStatusCode, await tenant.Content.ReadAsStringAsync());
                }
                finally
                {
                    await gateway.StopAsync();
                    await gateway.DisposeAsync();
                }
            }
            finally
            {
                await b.StopAsync();
                await b.DisposeAsync();
            }
        }
        finally
        {
            await a.StopAsync();
            await a.DisposeAsync();
        }
    }

    [Fact]
    public void A_wrong_password_stops_the_silo_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GuardSilo.Build(GuardSilo.CreateBuilder([], b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Guard:AdminKey"] = AdminKey,
                ["Guard:Storage:Provider"] = "Memory",
                ["Cluster:Tls:CertificatePath"] = _certificate,
                ["Cluster:Tls:CertificatePassword"] = "wrong",
            }))));
        Assert.Contains("Cluster:Tls", error.Message, StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartGatewayAsync(int primaryPort, int gatewayPort)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Guard:AdminKey"] = AdminKey,
            ["Cluster:ClusterId"] = "tls-" + primaryPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:Tls:CertificatePath"] = _certificate,
            ["Cluster:Tls:CertificatePassword"] = Password,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.UseOrleansClient(client => OrleansClientSetup.Configure(client, builder.Configuration));
        builder.Services.AddGuardGateway(builder.Configuration);
        builder.Services.AddSingleton<ClusterClientReadiness>();
        builder.Services.AddSingleton<IGuardReadiness>(sp => sp.GetRequiredService<ClusterClientReadiness>());
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterClientReadiness>());
        var app = builder.Build();
        app.MapGuardGateway();
        await app.StartAsync();
        using var probe = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        for (var attempt = 0; attempt < 150; attempt++) // bounded: 30 s
        {
            using var ready = await probe.GetAsync("/readyz");
            if (ready.IsSuccessStatusCode)
            {
                return app;
            }

            await Task.Delay(200);
        }

        await app.StopAsync();
        await app.DisposeAsync();
        throw new InvalidOperationException("The TLS gateway never became ready.");
    }

    private async Task<WebApplication> StartSiloAsync(int siloPort, int? primary, int? gatewayPort = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Guard:AdminKey"] = AdminKey, // model-less silos: tenants need no model
            ["Guard:Storage:Provider"] = "Memory",
            ["Cluster:ClusterId"] = "tls-" + siloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = (gatewayPort ?? PostgresServer.FreePort()).ToString(CultureInfo.InvariantCulture),
            ["Cluster:Tls:CertificatePath"] = _certificate,
            ["Cluster:Tls:CertificatePassword"] = Password,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (primary is { } p)
        {
            settings["Cluster:PrimarySiloPort"] = p.ToString(CultureInfo.InvariantCulture);
            settings["Cluster:ClusterId"] = "tls-" + p.ToString(CultureInfo.InvariantCulture);
        }

        var builder = GuardSilo.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });
        var app = GuardSilo.Build(builder);
        await app.StartAsync();
        return app;
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
    }

    /// <summary>A TLS client handshake with the silo port presenting <paramref name="certificate"/>, then one read.</summary>
    private static async Task<bool> HandshakeAsync(int port, X509Certificate2 certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "guardcluster",
                ClientCertificates = [certificate],
            }, timeout.Token);
        }
        catch (Exception error) when (error is AuthenticationException or IOException or OperationCanceledException)
        {
            return false;
        }

        // TLS 1.3 reports a rejected client certificate on the first read, not in the handshake. Accepted: the
        // silo sends its preamble or waits for ours (the read times out); rejected: an alert or a closed stream.
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            return await tls.ReadAsync(new byte[1], wait.Token) > 0;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (Exception error) when (error is AuthenticationException or IOException)
        {
            return false;
        }
    }

    private static HttpClient Client(WebApplication app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
