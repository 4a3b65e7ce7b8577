// CipherSuitesPolicy is OpenSSL's (Linux), where the agent runs.
#pragma warning disable CA1416

using System.Net;
using System.Security.Cryptography.X509Certificates;
using NodeAgent.Hosting.Web;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary>A web configuration file loaded with the files it names: certificates checked at load, not at the first
/// handshake, each problem naming its field.</summary>
public sealed class WebSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _ca = new();

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    private string WriteServerFiles(string subject = "agent")
    {
        var (cert, key) = _ca.Issue(subject);
        _dir.Write("tls/server.crt", cert);
        _dir.Write("tls/server.key", key);
        _dir.Write("tls/ca.crt", _ca.AuthorityPem);
        return cert;
    }

    [Fact]
    public void Certificate_key_and_client_cas_are_loaded_from_paths_relative_to_the_file()
    {
        WriteServerFiles();
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: tls/ca.crt\n");

        var load = WebSettings.Load(path);

        Assert.Empty(load.Errors);
        Assert.Equal("CN=agent", load.Settings!.Certificate!.Subject);
        Assert.True(load.Settings.Certificate.HasPrivateKey);
        var options = load.Settings.ServerOptions();
        Assert.True(options.ClientCertificateRequired);
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, options.CertificateChainPolicy!.TrustMode);
        Assert.Equal(_ca.Authority.Thumbprint, Assert.Single(options.CertificateChainPolicy.CustomTrustStore).Thumbprint);
        Assert.Equal(
            [Path.Combine(_dir.Path, "web.yml"), Path.Combine(_dir.Path, "tls/server.crt"), Path.Combine(_dir.Path, "tls/server.key"), Path.Combine(_dir.Path, "tls/ca.crt")],
            load.Stamps.Paths);
    }

    [Fact]
    public void Inline_certificate_and_key_are_loaded()
    {
        var (cert, key) = _ca.Issue("inline");
        var path = _dir.Write("web.yml", $"tls_server_config:\n  cert: |\n{Indent(cert)}\n  key: |\n{Indent(key)}\n");

        var load = WebSettings.Load(path);

        Assert.Empty(load.Errors);
        Assert.Equal("CN=inline", load.Settings!.Certificate!.Subject);
    }

    [Fact]
    public void A_missing_certificate_file_is_an_error_naming_the_field_and_the_path()
    {
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n");

        var load = WebSettings.Load(path);

        Assert.Null(load.Settings);
        Assert.StartsWith($"tls_server_config.cert_file: cannot read {Path.Combine(_dir.Path, "missing.crt")}: ", load.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("tls_server_config.key_file: cannot read ", load.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_is_not_the_certificates_is_an_error()
    {
        WriteServerFiles();
        var (_, otherKey) = _ca.Issue("other");
        _dir.Write("other.key", otherKey);
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: other.key\n");

        var error = Assert.Single(WebSettings.Load(path).Errors);

        Assert.StartsWith("tls_server_config.cert_file: not a PEM certificate whose private key is in key_file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_ca_file_without_a_certificate_is_an_error()
    {
        WriteServerFiles();
        _dir.Write("empty-ca.crt", "not a certificate\n");
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: empty-ca.crt\n");

        Assert.StartsWith("tls_server_config.client_ca_file: holds no PEM certificate", Assert.Single(WebSettings.Load(path).Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_web_configuration_file_is_an_error()
    {
        Assert.StartsWith("cannot be read: ", Assert.Single(WebSettings.Load(Path.Combine(_dir.Path, "absent.yml")).Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Ciphers_keep_tls_1_3_on_as_go_does()
    {
        WriteServerFiles();
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n");

        var policy = WebSettings.Load(path).Settings!.ServerOptions().CipherSuitesPolicy!;

        Assert.Equal(
            [System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256,
                System.Net.Security.TlsCipherSuite.TLS_AES_256_GCM_SHA384, System.Net.Security.TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256],
            policy.AllowedCipherSuites);
    }

    [Theory]
    [InlineData("", new[] { "h2", "http/1.1" })]
    [InlineData("http_server_config:\n  http2: false\n", new[] { "http/1.1" })]
    public void Http2_is_offered_through_alpn_unless_switched_off(string http, string[] protocols)
    {
        WriteServerFiles();
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n" + http);

        var offered = WebSettings.Load(path).Settings!.ServerOptions().ApplicationProtocols!;

        Assert.Equal(protocols, offered.Select(p => p.ToString()));
    }

    [Fact]
    public void Subject_alternative_names_are_read_as_go_lists_them()
    {
        var (pem, _) = _ca.Issue("client", client: true, names =>
        {
            names.AddDnsName("scraper.monitoring");
            names.AddEmailAddress("ops@example.org");
            names.AddIpAddress(IPAddress.Parse("10.1.2.3"));
            names.AddIpAddress(IPAddress.Parse("fd00::1"));
            names.AddUri(new Uri("spiffe://cluster/ns/monitoring/sa/prometheus"));
        });
        using var certificate = X509Certificate2.CreateFromPem(pem);

        Assert.Equal(
            ["scraper.monitoring", "ops@example.org", "10.1.2.3", "fd00::1", "spiffe://cluster/ns/monitoring/sa/prometheus"],
            ClientSans.Names(certificate));
        Assert.True(ClientSans.AnyAllowed(certificate, ["nobody", "spiffe://cluster/ns/monitoring/sa/prometheus"]));
        Assert.False(ClientSans.AnyAllowed(certificate, ["scraper", "10.1.2.4"]));
    }

    private static string Indent(string pem) => string.Join('\n', pem.Split('\n').Select(l => "    " + l));
}
