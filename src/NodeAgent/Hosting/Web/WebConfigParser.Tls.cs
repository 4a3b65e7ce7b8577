using System.Net.Security;
using System.Security.Authentication;
using YamlDotNet.RepresentationModel;

namespace NodeAgent.Hosting.Web;

/// <summary><c>tls_server_config</c>: exporter-toolkit's TLSConfig and its checks (web/tls_config.go,
/// ConfigToTLSConfig), with Go's names for versions, cipher suites and curves.</summary>
internal sealed partial class WebConfigParser
{
    private static readonly string[] TlsFields =
    [
        "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file", "client_allowed_sans",
        "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
    ];

    // Go's tls.VersionTLS10..13, in order: min_version..max_version is a range of this list.
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 and 1.1 are refused unless asked for by name, as in exporter-toolkit.
    private static readonly (string Name, SslProtocols Protocol)[] Versions =
        [("TLS10", SslProtocols.Tls), ("TLS11", SslProtocols.Tls11), ("TLS12", SslProtocols.Tls12), ("TLS13", SslProtocols.Tls13)];
#pragma warning restore SYSLIB0039, CA5397

    /// <summary>The names Go's <c>tls.CipherSuites()</c> returns (its secure suites), the only ones exporter-toolkit
    /// accepts; they are the IANA names .NET uses too.</summary>
    private static readonly Dictionary<string, TlsCipherSuite> Ciphers = new[]
    {
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    }.ToDictionary(c => c.ToString(), StringComparer.Ordinal);

    private static readonly string[] Curves = ["CurveP256", "CurveP384", "CurveP521", "X25519"];

    private TlsServerConfig? ReadTls(YamlNode node)
    {
        var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in Fields(node, "tls_server_config", TlsFields))
        {
            switch (name)
            {
                case "client_allowed_sans" or "cipher_suites" or "curve_preferences":
                    lists[name] = TextList(value, "tls_server_config." + name);
                    break;
                case "prefer_server_cipher_suites":
                    // Go ignores the field since 1.18 (the server's order is always used): read for its type only.
                    Bool(value, "tls_server_config." + name, true);
                    break;
                default:
                    texts[name] = Text(value, "tls_server_config." + name);
                    break;
            }
        }

        string? Get(string field) => texts.GetValueOrDefault(field);
        IReadOnlyList<string> GetList(string field) => lists.GetValueOrDefault(field) ?? [];

        var (cert, key, clientCa) = (Get("cert"), Get("key"), Get("client_ca"));
        var (certFile, keyFile, clientCaFile) = (FilePath(Get("cert_file")), FilePath(Get("key_file")), FilePath(Get("client_ca_file")));
        var clientAuthText = Get("client_auth_type");
        var minVersion = Version(Get("min_version"), "min_version", defaultIndex: 2);
        var maxVersion = Version(Get("max_version"), "max_version", defaultIndex: 3);
        var ciphers = new List<TlsCipherSuite>();
        foreach (var name in GetList("cipher_suites"))
        {
            if (Ciphers.TryGetValue(name, out var suite))
            {
                ciphers.Add(suite);
            }
            else
            {
                _errors.Add($"tls_server_config.cipher_suites: unknown cipher '{name}' (expected one of Go's tls.CipherSuites(): {string.Join(", ", Ciphers.Keys)})");
            }
        }

        var curves = GetList("curve_preferences");
        foreach (var curve in curves.Where(c => !Curves.Contains(c, StringComparer.Ordinal)))
        {
            _errors.Add($"tls_server_config.curve_preferences: unknown curve '{curve}' (expected {string.Join(", ", Curves)})");
        }

        var sans = GetList("client_allowed_sans");

        // exporter-toolkit's TLSConfig.IsEnabled: only these fields turn TLS on; versions or ciphers alone do not.
        if (new[] { cert, key, clientCa, certFile, keyFile, clientCaFile, clientAuthText }.All(string.IsNullOrEmpty))
        {
            return null;
        }

        if (cert is null && certFile is null)
        {
            _errors.Add("tls_server_config: missing one of cert or cert_file");
        }

        if (key is null && keyFile is null)
        {
            _errors.Add("tls_server_config: missing one of key or key_file");
        }

        foreach (var (inline, file) in new[] { ("cert", "cert_file"), ("key", "key_file"), ("client_ca", "client_ca_file") })
        {
            if (Get(inline) is not null && Get(file) is not null)
            {
                _warnings.Add($"tls_server_config: both {inline} and {file} are set; {file} is used (as by exporter-toolkit)");
            }
        }

        var clientAuth = ClientAuthOf(clientAuthText);
        if ((clientCaFile is not null || clientCa is not null) && clientAuth == ClientAuth.NoClientCert)
        {
            _errors.Add($"tls_server_config.{(clientCaFile is null ? "client_ca" : "client_ca_file")}: a client CA is set but client_auth_type is NoClientCert (expected RequireAndVerifyClientCert to check client certificates)");
        }

        if (minVersion > maxVersion)
        {
            _errors.Add($"tls_server_config.min_version: {Versions[minVersion].Name} is above max_version {Versions[maxVersion].Name}");
        }

        if (curves.Count > 0)
        {
            _warnings.Add("tls_server_config.curve_preferences: not applied (.NET offers no per-server choice of key exchange groups): OpenSSL's defaults are used");
        }

        var protocols = SslProtocols.None;
        for (var i = minVersion; i <= maxVersion; i++)
        {
            protocols |= Versions[i].Protocol;
        }

        return new TlsServerConfig(certFile, keyFile, cert, key, clientAuth, clientCaFile, clientCa, sans, protocols, ciphers, curves);
    }

    private ClientAuth ClientAuthOf(string? text)
    {
        switch (text)
        {
            case null or "NoClientCert":
                return ClientAuth.NoClientCert;
            case "RequestClientCert":
                return ClientAuth.RequestClientCert;
            case "RequireAnyClientCert" or "RequireClientCert": // exporter-toolkit keeps the old name as an alias.
                return ClientAuth.RequireAnyClientCert;
            case "VerifyClientCertIfGiven":
                return ClientAuth.VerifyClientCertIfGiven;
            case "RequireAndVerifyClientCert":
                return ClientAuth.RequireAndVerifyClientCert;
        }

        var names = Enum.GetNames<ClientAuth>();
        _errors.Add($"tls_server_config.client_auth_type: '{text}' is not one of {string.Join(", ", names)}{Suggestions.DidYouMean(text, names)}");
        return ClientAuth.NoClientCert;
    }

    private int Version(string? text, string field, int defaultIndex)
    {
        if (text is null)
        {
            return defaultIndex;
        }

        var index = Array.FindIndex(Versions, v => v.Name == text);
        if (index < 0)
        {
            _errors.Add($"tls_server_config.{field}: unknown TLS version '{text}' (expected {string.Join(", ", Versions.Select(v => v.Name))})");
            return defaultIndex;
        }

        return index;
    }
}
