using System.Net.Security;
using System.Security.Authentication;
using NodeAgent.Hosting.Web;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary>exporter-toolkit's web configuration format (docs/web-configuration.md) as the parser reads it: every
/// field, its defaults, and a problem naming its field for each way a file can be wrong.</summary>
public sealed class WebConfigParserTests
{
    /// <summary>bcrypt of "scrape-me-Zx81" at cost 10, made by Apache's <c>htpasswd -nbBC 10</c> ($2y$, as
    /// exporter-toolkit's documentation makes them).</summary>
    internal const string Hash = "$2y$10$2mhli1PF1C0Dm/aKfZs5JOAS5opqtIXewJmUyLV2r2bOc.9jl2eze";

    internal const string Password = "scrape-me-Zx81";

    private static WebConfig Parse(string yaml)
    {
        var parse = WebConfigParser.Parse(yaml, "/etc/web");
        Assert.True(parse.Errors.Count == 0, string.Join("\n", parse.Errors));
        return parse.Config!;
    }

    private static string SingleError(string yaml)
    {
        var parse = WebConfigParser.Parse(yaml, "/etc/web");
        Assert.Null(parse.Config);
        return Assert.Single(parse.Errors);
    }

    [Fact]
    public void Every_field_is_read()
    {
        var config = Parse($"""
            tls_server_config:
              cert_file: tls/server.crt
              key_file: /secrets/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              client_allowed_sans: [prometheus, "spiffe://cluster/ns/monitoring"]
              min_version: TLS13
              max_version: TLS13
              cipher_suites:
                - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
                - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
              prefer_server_cipher_suites: false
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000; includeSubDomains
                X-Content-Type-Options: nosniff
            basic_auth_users:
              prometheus: {Hash}
              "1234": '{Hash}'
            rate_limit:
              interval: 100ms
              burst: 5
            """);

        var tls = config.Tls!;
        Assert.Equal("/etc/web/tls/server.crt", tls.CertFile);
        Assert.Equal("/secrets/server.key", tls.KeyFile);
        Assert.Equal("/etc/web/ca.crt", tls.ClientCaFile);
        Assert.Equal(ClientAuth.RequireAndVerifyClientCert, tls.ClientAuth);
        Assert.Equal(["prometheus", "spiffe://cluster/ns/monitoring"], tls.ClientAllowedSans);
        Assert.Equal(SslProtocols.Tls13, tls.Protocols);
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], tls.CipherSuites);
        Assert.False(config.Http2);
        Assert.Equal(
            [new("X-Frame-Options", "deny"), new("Strict-Transport-Security", "max-age=31536000; includeSubDomains"), new("X-Content-Type-Options", "nosniff")],
            config.Headers);
        Assert.Equal(Hash, config.Users["prometheus"]);
        Assert.Equal(Hash, config.Users["1234"]);
        Assert.Equal(new RateLimitConfig(TimeSpan.FromMilliseconds(100), 5), config.RateLimit);
    }

    [Fact]
    public void Defaults_are_exporter_toolkits()
    {
        var config = Parse("""
            tls_server_config:
              cert: |
                -----BEGIN CERTIFICATE-----
              key: secret
            """);

        var tls = config.Tls!;
        Assert.Equal(ClientAuth.NoClientCert, tls.ClientAuth);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.Protocols);
        Assert.Empty(tls.CipherSuites);
        Assert.Null(tls.CertFile);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", tls.CertPem, StringComparison.Ordinal);
        Assert.True(config.Http2);
        Assert.Empty(config.Users);
        Assert.Null(config.RateLimit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    [InlineData("tls_server_config:\nbasic_auth_users:\n")]
    public void An_empty_file_serves_plain_http_without_auth(string yaml)
    {
        var config = Parse(yaml);
        Assert.Null(config.Tls);
        Assert.Empty(config.Users);
        Assert.Empty(config.Headers);
    }

    [Fact]
    public void Versions_or_ciphers_alone_do_not_turn_tls_on()
    {
        // exporter-toolkit's TLSConfig.IsEnabled looks at the certificate, key, CA and client_auth_type fields only.
        Assert.Null(Parse("tls_server_config:\n  min_version: TLS13\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n").Tls);
    }

    [Fact]
    public void Basic_auth_without_tls_is_allowed_as_in_exporter_toolkit()
    {
        var config = Parse($"basic_auth_users:\n  alice: {Hash}\n");
        Assert.Null(config.Tls);
        Assert.Single(config.Users);
    }

    [Theory]
    [InlineData("NoClientCert", "NoClientCert")]
    [InlineData("RequestClientCert", "RequestClientCert")]
    [InlineData("RequireAnyClientCert", "RequireAnyClientCert")]
    [InlineData("RequireClientCert", "RequireAnyClientCert")]
    [InlineData("VerifyClientCertIfGiven", "VerifyClientCertIfGiven")]
    [InlineData("RequireAndVerifyClientCert", "RequireAndVerifyClientCert")]
    public void Client_auth_types_are_gos_five_and_the_old_alias(string text, string expected)
    {
        var ca = expected == nameof(ClientAuth.NoClientCert) ? "" : "\n  client_ca_file: ca.crt";
        Assert.Equal(expected, Parse($"tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: {text}{ca}\n").Tls!.ClientAuth.ToString());
    }

    [Fact]
    public void Tls_1_0_can_be_asked_for_by_name()
    {
        var tls = Parse("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS10\n  max_version: TLS12\n").Tls!;
#pragma warning disable SYSLIB0039, CA5397
        Assert.Equal(SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12, tls.Protocols);
#pragma warning restore SYSLIB0039, CA5397
    }

    [Fact]
    public void Curve_preferences_are_checked_and_said_not_applied()
    {
        var parse = WebConfigParser.Parse("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  curve_preferences: [X25519, CurveP256]\n", "/etc/web");
        Assert.Empty(parse.Errors);
        Assert.Equal(["X25519", "CurveP256"], parse.Config!.Tls!.CurvePreferences);
        Assert.Contains(parse.Warnings, w => w.StartsWith("tls_server_config.curve_preferences: not applied", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rate_limit_interval_of_zero_is_off()
    {
        Assert.Null(Parse("rate_limit:\n  interval: 0\n  burst: 3\n").RateLimit);
        Assert.Equal(new RateLimitConfig(TimeSpan.FromSeconds(1), 0), Parse("rate_limit:\n  interval: 1000000000\n").RateLimit);
    }

    [Theory]
    [InlineData("tls_server_confg:\n  cert_file: a\n", "tls_server_confg: unknown field (expected one of tls_server_config, http_server_config, basic_auth_users, rate_limit) (did you mean tls_server_config?)")]
    [InlineData("tls_server_config:\n  cert_filse: server.crt\n", "tls_server_config.cert_filse: unknown field")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequireAndVerify\n", "tls_server_config.client_auth_type: 'RequireAndVerify' is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS14\n", "tls_server_config.min_version: unknown TLS version 'TLS14'")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS13\n  max_version: TLS12\n", "tls_server_config.min_version: TLS13 is above max_version TLS12")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", "tls_server_config.cipher_suites: unknown cipher 'TLS_RSA_WITH_RC4_128_SHA'")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  curve_preferences: [CurveP999]\n", "tls_server_config.curve_preferences: unknown curve 'CurveP999'")]
    [InlineData("tls_server_config:\n  key_file: a.key\n", "tls_server_config: missing one of cert or cert_file")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n", "tls_server_config: missing one of key or key_file")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_ca_file: ca.crt\n", "tls_server_config.client_ca_file: a client CA is set but client_auth_type is NoClientCert")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: [RequireAndVerifyClientCert]\n", "tls_server_config.client_auth_type: expected a string (found a list)")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: TLS_AES_128_GCM_SHA256\n", "tls_server_config.cipher_suites: expected a list (found a text)")]
    [InlineData("http_server_config:\n  http2: maybe\n", "http_server_config.http2: 'maybe' is not valid (expected true or false)")]
    [InlineData("http_server_config:\n  headers:\n    Server: nodeagent\n", "http_server_config.headers.Server: this header cannot be configured")]
    [InlineData("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "http_server_config.headers.X-Frame-Options: 'allow' is not valid (expected deny or sameorigin)")]
    [InlineData("http_server_config:\n  headerz: {}\n", "http_server_config.headerz: unknown field (expected one of http2, headers) (did you mean headers?)")]
    [InlineData("basic_auth_users: [alice]\n", "basic_auth_users: expected a mapping (found a list)")]
    [InlineData("rate_limit:\n  interval: soon\n", "rate_limit.interval: 'soon' is not valid")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: -1\n", "rate_limit.burst: '-1' is not valid")]
    [InlineData("hWkNKCp3fvIx3jKnsaBI\nTuEjdwNS8A2vYdFbiKqr\n", "expected a mapping of tls_server_config, http_server_config, basic_auth_users, rate_limit (found a text)")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n key_file: a.key\n", "not valid YAML (line 3, column 2)")]
    [InlineData("basic_auth_users:\n  alice: x\n  alice: y\n", "not valid YAML (line 3, column 3)")]
    public void A_bad_file_is_one_error_naming_the_field(string yaml, string expected)
    {
        Assert.StartsWith(expected, SingleError(yaml), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain-text-password")]
    [InlineData("$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0")]
    [InlineData("$2y$10$2mhli1PF1C0Dm/aKfZs5JOAS5opqtIXewJmUyLV2r2bOc.9jl2ez")]
    [InlineData("$2y$03$2mhli1PF1C0Dm/aKfZs5JOAS5opqtIXewJmUyLV2r2bOc.9jl2eze")]
    [InlineData("$2z$10$2mhli1PF1C0Dm/aKfZs5JOAS5opqtIXewJmUyLV2r2bOc.9jl2eze")]
    [InlineData("$2y$10$2mhli1PF1C0Dm/aKfZs5JOAS5opqtIXewJmUyLV2r2bOc.9jl2ez!")]
    public void A_password_that_is_not_a_bcrypt_hash_is_an_error_naming_the_user_not_the_value(string value)
    {
        var error = SingleError($"basic_auth_users:\n  alice: '{value}'\n");
        Assert.StartsWith("basic_auth_users.alice: ", error, StringComparison.Ordinal);
        Assert.Contains("bcrypt", error, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    [InlineData("$2y$")]
    public void Every_bcrypt_version_htpasswd_and_go_write_is_accepted(string prefix)
    {
        Assert.Null(BcryptHash.Problem(prefix + Hash[4..]));
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var parse = WebConfigParser.Parse("tls_server_config:\n  client_auth_type: Nope\nbasic_auth_users:\n  bob: plain\nextra: 1\n", "/etc/web");
        Assert.Null(parse.Config);
        Assert.Equal(5, parse.Errors.Count);
    }
}
