using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NodeAgent.Remote;

/// <summary>A server's certificate must chain to the given CA (and only to it); the host name must still match: what
/// <c>Elasticsearch:CaFile</c> (Elasticsearch's own self-signed http_ca.crt) and a kubeconfig's certificate authority
/// need.</summary>
internal static class CertificateTrust
{
    public static bool IsTrusted(X509Certificate2 authority, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        IsTrusted([authority], certificate, chain, errors);

    /// <summary>The same with several authorities (a kubeconfig's certificate-authority-data may hold a bundle).</summary>
    public static bool IsTrusted(X509Certificate2Collection authorities, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
