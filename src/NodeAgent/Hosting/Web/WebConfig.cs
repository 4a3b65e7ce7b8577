using System.Net.Security;
using System.Security.Authentication;

namespace NodeAgent.Hosting.Web;

/// <summary>exporter-toolkit's <c>client_auth_type</c> values, which are Go's <c>tls.ClientAuthType</c> names.</summary>
internal enum ClientAuth
{
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

/// <summary><c>tls_server_config</c> as written, relative paths already resolved against the file's directory.
/// Inline PEM (<c>cert</c>, <c>key</c>, <c>client_ca</c>) and files are both kept: a file wins over inline text,
/// as in exporter-toolkit.</summary>
internal sealed record TlsServerConfig(
    string? CertFile,
    string? KeyFile,
    string? CertPem,
    string? KeyPem,
    ClientAuth ClientAuth,
    string? ClientCaFile,
    string? ClientCaPem,
    IReadOnlyList<string> ClientAllowedSans,
    SslProtocols Protocols,
    IReadOnlyList<TlsCipherSuite> CipherSuites,
    IReadOnlyList<string> CurvePreferences)
{
    /// <summary>The files whose change means the TLS settings must be loaded again.</summary>
    public IEnumerable<string> Files => new[] { CertFile, KeyFile, ClientCaFile }.OfType<string>();

    public bool VerifiesClients => ClientAuth is ClientAuth.VerifyClientCertIfGiven or ClientAuth.RequireAndVerifyClientCert;
}

/// <summary><c>rate_limit</c>: Go's <c>rate.Limiter</c> with one token every <see cref="Interval"/> and a bucket of
/// <see cref="Burst"/>; an interval of zero turns it off.</summary>
internal sealed record RateLimitConfig(TimeSpan Interval, int Burst);

/// <summary>One web configuration file in exporter-toolkit's format (its docs/web-configuration.md), parsed and
/// checked; the certificates it names are not loaded yet (<see cref="WebSettings"/> does that).</summary>
/// <param name="Users">User name → bcrypt hash (<c>basic_auth_users</c>); empty: no basic auth.</param>
/// <param name="Headers">Response headers of <c>http_server_config.headers</c>, in file order, blank ones left out.</param>
internal sealed record WebConfig(
    TlsServerConfig? Tls,
    bool Http2,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyDictionary<string, string> Users,
    RateLimitConfig? RateLimit)
{
    public static readonly WebConfig Empty = new(null, true, [], new Dictionary<string, string>(StringComparer.Ordinal), null);
}
