// CipherSuitesPolicy is Linux's and macOS's (OpenSSL): the agent runs on Linux.
#pragma warning disable CA1416

using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeAgent.Hosting.Web;

/// <summary>The outcome of loading a web configuration file and the files it names.</summary>
/// <param name="Stamps">The files read (as far as the file was understood), stamped before reading.</param>
internal sealed record WebSettingsLoad(WebSettings? Settings, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, FileStamps Stamps);

/// <summary>
/// One web configuration file loaded whole: parsed, and its certificate, key and client CAs read and checked, so
/// that a bad file or a certificate that does not match its key is found at start (exit 2) and by check-config,
/// not at the first handshake. Immutable: a change of the files makes a new one (<see cref="WebSettingsSource"/>).
/// </summary>
internal sealed class WebSettings
{
    /// <summary>id-kp-clientAuth (RFC 5280 4.2.1.12), what Go's server asks of a client certificate's usages.</summary>
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly SslStreamCertificateContext? _certificate;
    private readonly CipherSuitesPolicy? _ciphers;
    private readonly X509ChainPolicy? _clientChainPolicy;

    private WebSettings(string filePath, WebConfig config, FileStamps stamps, SslStreamCertificateContext? certificate, X509Certificate2Collection? clientAuthorities, BasicAuthenticator? authenticator)
    {
        FilePath = filePath;
        Config = config;
        Stamps = stamps;
        _certificate = certificate;
        Authenticator = authenticator;
        if (config.Tls is { } tls)
        {
            _ciphers = CipherPolicy(tls.CipherSuites);
            _clientChainPolicy = tls.VerifiesClients ? ClientChainPolicy(clientAuthorities) : null;
        }
    }

    public string FilePath { get; }

    public WebConfig Config { get; }

    /// <summary>The state of the file and of every file it names, taken before they were read.</summary>
    public FileStamps Stamps { get; }

    /// <summary>Null when the file sets no <c>basic_auth_users</c>.</summary>
    public BasicAuthenticator? Authenticator { get; }

    /// <summary>The server certificate Kestrel presents (tests look at which one).</summary>
    public X509Certificate2? Certificate => _certificate?.TargetCertificate;

    /// <param name="previous">The settings in use: their remembered passwords carry over when the users did not
    /// change (a rotated certificate must not cost every scraper a bcrypt again).</param>
    public static WebSettingsLoad Load(string path, WebSettings? previous = null)
    {
        path = Path.GetFullPath(path);
        var stamps = FileStamps.Of([path]);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new WebSettingsLoad(null, [$"cannot be read: {e.Message}"], [], stamps);
        }

        var parse = WebConfigParser.Parse(text, Path.GetDirectoryName(path)!);
        if (parse.Config is not { } config)
        {
            return new WebSettingsLoad(null, parse.Errors, parse.Warnings, stamps);
        }

        var errors = new List<string>();
        stamps = FileStamps.Of([path, .. config.Tls?.Files ?? []]);
        SslStreamCertificateContext? certificate = null;
        X509Certificate2Collection? authorities = null;
        if (config.Tls is { } tls)
        {
            certificate = LoadCertificate(tls, errors);
            authorities = LoadAuthorities(tls, errors);
        }

        if (errors.Count > 0)
        {
            return new WebSettingsLoad(null, errors, parse.Warnings, stamps);
        }

        var authenticator = config.Users.Count == 0 ? null
            : previous?.Authenticator is { } same && SameUsers(same.Users, config.Users) ? same
            : new BasicAuthenticator(config.Users);
        return new WebSettingsLoad(new WebSettings(path, config, stamps, certificate, authorities, authenticator), [], parse.Warnings, stamps);
    }

    /// <summary>The TLS parameters of one connection, as exporter-toolkit's <c>GetConfigForClient</c> gives Go's
    /// server per handshake.</summary>
    public SslServerAuthenticationOptions ServerOptions()
    {
        var tls = Config.Tls ?? throw new InvalidOperationException("the web configuration sets no tls_server_config");
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _certificate,
            EnabledSslProtocols = tls.Protocols,
            CipherSuitesPolicy = _ciphers,
            // .NET's "required" is TLS's CertificateRequest: whether a certificate must come is the callback's say.
            ClientCertificateRequired = tls.ClientAuth != ClientAuth.NoClientCert,
            RemoteCertificateValidationCallback = ValidateClient,
            ApplicationProtocols = Config.Http2 ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11] : [SslApplicationProtocol.Http11],
        };
        if (_clientChainPolicy is not null)
        {
            options.CertificateChainPolicy = _clientChainPolicy.Clone();
        }
        else
        {
            options.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        }

        return options;
    }

    /// <summary>Go's five <c>tls.ClientAuthType</c>s; then exporter-toolkit's <c>client_allowed_sans</c>, checked on
    /// any certificate a client sends.</summary>
    private bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var tls = Config.Tls!;
        if (certificate is null)
        {
            return tls.ClientAuth is ClientAuth.NoClientCert or ClientAuth.RequestClientCert or ClientAuth.VerifyClientCertIfGiven;
        }

        if (tls.VerifiesClients && errors != SslPolicyErrors.None)
        {
            return false;
        }

        return tls.ClientAllowedSans.Count == 0 || ClientSans.AnyAllowed(certificate, tls.ClientAllowedSans);
    }

    private static SslStreamCertificateContext? LoadCertificate(TlsServerConfig tls, List<string> errors)
    {
        var (certField, keyField) = (tls.CertFile is null ? "cert" : "cert_file", tls.KeyFile is null ? "key" : "key_file");
        var certPem = tls.CertFile is { } certFile ? ReadFile(certFile, "cert_file", errors) : tls.CertPem;
        var keyPem = tls.KeyFile is { } keyFile ? ReadFile(keyFile, "key_file", errors) : tls.KeyPem;
        if (certPem is null || keyPem is null)
        {
            return null;
        }

        try
        {
            var leaf = X509Certificate2.CreateFromPem(certPem, keyPem);
            // The file may hold the chain after the server's own certificate: sent along, as Go sends it.
            var all = new X509Certificate2Collection();
            all.ImportFromPem(certPem);
            var intermediates = new X509Certificate2Collection();
            foreach (var extra in all.Skip(1))
            {
                intermediates.Add(extra);
            }

            return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // CreateFromPem: CryptographicException for PEM it cannot read, ArgumentException for a key of another certificate.
            errors.Add($"tls_server_config.{certField}: not a PEM certificate whose private key is in {keyField} ({e.Message.TrimEnd('.')})");
            return null;
        }
    }

    private static X509Certificate2Collection? LoadAuthorities(TlsServerConfig tls, List<string> errors)
    {
        var field = tls.ClientCaFile is null ? "client_ca" : "client_ca_file";
        var pem = tls.ClientCaFile is { } file ? ReadFile(file, field, errors) : tls.ClientCaPem;
        if (pem is null)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            errors.Add($"tls_server_config.{field}: not a PEM certificate bundle ({e.Message.TrimEnd('.')})");
            return null;
        }

        if (authorities.Count == 0)
        {
            errors.Add($"tls_server_config.{field}: holds no PEM certificate (expected the CA certificates that sign client certificates)");
            return null;
        }

        return authorities;
    }

    private static string? ReadFile(string path, string field, List<string> errors)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"tls_server_config.{field}: cannot read {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>Go applies <c>cipher_suites</c> to TLS 1.2 and below and always offers its three TLS 1.3 suites;
    /// .NET's policy covers both, so the TLS 1.3 suites are added (without them TLS 1.3 would be off).</summary>
    private static CipherSuitesPolicy? CipherPolicy(IReadOnlyList<TlsCipherSuite> configured)
    {
        if (configured.Count == 0)
        {
            return null;
        }

        TlsCipherSuite[] tls13 = [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];
        return new CipherSuitesPolicy(configured.Except(tls13).Concat(tls13));
    }

    /// <summary>Client certificates chain to the configured CAs only (or, with none configured, to the system's, as
    /// Go's nil <c>ClientCAs</c> means), carry the client-authentication usage when they name usages, and are not
    /// checked for revocation (Go does not either).</summary>
    private static X509ChainPolicy ClientChainPolicy(X509Certificate2Collection? authorities)
    {
        var policy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (authorities is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(authorities);
        }

        return policy;
    }

    private static bool SameUsers(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var hash) && string.Equals(hash, p.Value, StringComparison.Ordinal));
}
