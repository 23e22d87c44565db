using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace GuardCluster.Gateway.Extensions;

/// <summary>
/// <c>Cluster:Tls</c>: TLS on Orleans' silo-to-silo and gateway-to-silo connections (Microsoft.Orleans.Connections.Security).
/// Off unless <c>CertificatePath</c> is set. Every silo and gateway of one cluster uses the same PKCS#12 certificate
/// (with its private key) and both sides present it (mutual TLS); a peer is accepted only if its certificate carries
/// the same public key, so a process without the cluster's key cannot join or call in, whatever CA signed its
/// certificate. Hostnames are not checked (silos are addressed by IP).
/// </summary>
public sealed class ClusterTlsSettings
{
    public const string Section = "Cluster:Tls";

    /// <summary>PKCS#12 (.pfx/.p12) file holding the cluster certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>Loads the certificate; a missing file or wrong password stops the process with one clear message.</summary>
    public X509Certificate2 LoadCertificate()
    {
        var path = CertificatePath ?? throw new InvalidOperationException("Cluster:Tls:CertificatePath is not set.");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Cluster:Tls:CertificatePath '{path}' does not exist.");
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword, X509KeyStorageFlags.Exportable);
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"Cluster:Tls:CertificatePath '{path}' has no private key.");
            }

            return certificate;
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException($"Cluster:Tls:CertificatePath '{path}' could not be read ({error.Message}); check Cluster:Tls:CertificatePassword.", error);
        }
    }

    /// <summary>Mutual TLS, peers pinned to the cluster certificate's public key.</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        var expected = certificate.PublicKey.EncodedKeyValue.RawData;
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && remote.PublicKey.EncodedKeyValue.RawData.AsSpan().SequenceEqual(expected);
    }
}
