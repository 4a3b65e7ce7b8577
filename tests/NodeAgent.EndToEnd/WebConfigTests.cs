using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Issue 13, point 3: TLS and basic auth on the metrics listener from a web configuration file in exporter-toolkit's
/// format (<c>Http:WebConfigFile</c>, node_exporter's <c>--web.config.file</c>), checked as an operator would: curl,
/// certificates made with openssl, and a real Prometheus server scraping with its own TLS and basic auth settings.
/// </summary>
public sealed class WebConfigTests : IDisposable
{
    /// <summary>bcrypt of <see cref="Password"/> at cost 10, made by Apache's <c>htpasswd -nbBC 10</c>.</summary>
    private const string Hash = "$2y$10$2mhli1PF1C0Dm/aKfZs5JOAS5opqtIXewJmUyLV2r2bOc.9jl2eze";

    private const string Password = "scrape-me-Zx81";

    private readonly TestPki _pki = new();

    public WebConfigTests()
    {
        _pki.Issue("server", "first");
        _pki.Issue("scraper", "scraper", client: true);
        _pki.Issue("intruder", "scraper", client: true, authority: "rogue-ca");
    }

    public void Dispose() => _pki.Dispose();

    private AgentConfig Config(string webConfig)
    {
        var path = _pki.File("web.yml");
        File.WriteAllText(path, webConfig);
        return new AgentConfig(json =>
        {
            json["Logs"]!["Enabled"] = false;
            json["Http"]!["WebConfigFile"] = path;
        });
    }

    private static string TlsFile(string clientAuth = "NoClientCert") => $"""
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: {clientAuth}
        {(clientAuth == "NoClientCert" ? "" : "  client_ca_file: ca.crt\n")}
        """;

    [Fact]
    public async Task Over_tls_the_right_password_gets_200_a_wrong_one_401_and_plain_http_no_answer()
    {
        using var config = Config(TlsFile() + $"""
            http_server_config:
              headers:
                X-Frame-Options: deny
            basic_auth_users:
              prometheus: {Hash}
            """);
        using var client = _pki.Client("prometheus", Password);
        await using var agent = await config.StartAgentAsync(client);
        Assert.Equal("https", config.BaseAddress.Scheme);
        var metrics = new Uri(config.BaseAddress, "/metrics?collect[]=loadavg").ToString();
        string[] trust = ["--cacert", _pki.CaFile];

        var (exit, body, stderr) = await Curl.RunAsync([.. trust, "-u", $"prometheus:{Password}", "-D", "-", metrics]);
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("HTTP/2 200", body, StringComparison.Ordinal);
        Assert.Contains("x-frame-options: deny", body, StringComparison.Ordinal);
        Assert.Contains("\nnode_load1 ", body, StringComparison.Ordinal);

        var wrong = await Curl.RunAsync([.. trust, "-u", "prometheus:guess", "-D", "-", metrics]);
        Assert.StartsWith("HTTP/2 401", wrong.Stdout, StringComparison.Ordinal);
        Assert.Contains("www-authenticate: Basic", wrong.Stdout, StringComparison.Ordinal);
        Assert.Contains("x-frame-options: deny", wrong.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("node_load1", wrong.Stdout, StringComparison.Ordinal);

        Assert.Equal("401", (await Curl.StatusAsync(metrics, trust)).Status);
        Assert.Equal("401", (await Curl.StatusAsync(metrics, [.. trust, "-u", $"mallory:{Password}"])).Status);
        Assert.Equal("401", (await Curl.StatusAsync(new Uri(config.BaseAddress, "/").ToString(), trust)).Status);
        // The kubelet's probes carry no password: TLS covers them, basic auth does not.
        Assert.Equal("200", (await Curl.StatusAsync(new Uri(config.BaseAddress, "/healthz").ToString(), trust)).Status);

        var plain = await Curl.StatusAsync($"http://127.0.0.1:{config.Port}/metrics", "-u", $"prometheus:{Password}");
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Equal("000", plain.Status);

        // A server certificate nobody vouched for: curl refuses it without --cacert.
        Assert.NotEqual(0, (await Curl.StatusAsync(metrics, "-u", $"prometheus:{Password}")).ExitCode);
    }

    [Fact]
    public async Task With_RequireAndVerifyClientCert_a_client_certificate_from_the_ca_is_required_and_accepted()
    {
        using var config = Config(TlsFile("RequireAndVerifyClientCert"));
        using var client = _pki.Client(clientCertificate: "scraper");
        await using var agent = await config.StartAgentAsync(client);
        var metrics = new Uri(config.BaseAddress, "/metrics?collect[]=loadavg").ToString();
        string[] trust = ["--cacert", _pki.CaFile];

        var without = await Curl.StatusAsync(metrics, trust);
        Assert.NotEqual(0, without.ExitCode);
        Assert.Equal("000", without.Status);

        var intruder = await Curl.StatusAsync(metrics, [.. trust, "--cert", _pki.File("intruder.crt"), "--key", _pki.File("intruder.key")]);
        Assert.NotEqual(0, intruder.ExitCode);
        Assert.Equal("000", intruder.Status);

        var scraper = await Curl.StatusAsync(metrics, [.. trust, "--cert", _pki.File("scraper.crt"), "--key", _pki.File("scraper.key")]);
        Assert.True(scraper.ExitCode == 0, scraper.Stderr);
        Assert.Equal("200", scraper.Status);
    }

    [Fact]
    public async Task Min_version_max_version_and_cipher_suites_are_what_the_handshake_allows()
    {
        string[] trust = ["--cacert", _pki.CaFile];
        using (var config = Config(TlsFile() + "  min_version: TLS13\n"))
        {
            using var client = _pki.Client();
            await using var agent = await config.StartAgentAsync(client);
            var healthz = new Uri(config.BaseAddress, "/healthz").ToString();

            Assert.Equal("200", (await Curl.StatusAsync(healthz, [.. trust, "--tlsv1.3"])).Status);
            Assert.Equal("000", (await Curl.StatusAsync(healthz, [.. trust, "--tls-max", "1.2"])).Status);
        }

        // The certificates are ECDSA (P-256): one ECDHE-ECDSA suite allowed, another refused; TLS 1.3 is over the max.
        using (var config = Config(TlsFile() + "  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n"))
        {
            using var client = _pki.Client();
            await using var agent = await config.StartAgentAsync(client);
            var healthz = new Uri(config.BaseAddress, "/healthz").ToString();

            Assert.Equal("200", (await Curl.StatusAsync(healthz, [.. trust, "--ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384"])).Status);
            Assert.Equal("000", (await Curl.StatusAsync(healthz, [.. trust, "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"])).Status);
            Assert.Equal("000", (await Curl.StatusAsync(healthz, [.. trust, "--tlsv1.3"])).Status);
        }
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_without_a_restart()
    {
        using var config = Config(TlsFile());
        using var client = _pki.Client();
        await using var agent = await config.StartAgentAsync(client);
        var healthz = new Uri(config.BaseAddress, "/healthz").ToString();

        Assert.Contains("subject: CN=first", (await Curl.RunAsync("-v", "--cacert", _pki.CaFile, "-o", "/dev/null", healthz)).Stderr, StringComparison.Ordinal);

        // cert-manager's way: the same files, rewritten with a new certificate and key.
        _pki.Issue("server", "second");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var seen = "";
        while (DateTime.UtcNow < deadline && !seen.Contains("subject: CN=second", StringComparison.Ordinal))
        {
            await Task.Delay(250);
            seen = (await Curl.RunAsync("-v", "--cacert", _pki.CaFile, "-o", "/dev/null", healthz)).Stderr;
        }

        Assert.Contains("subject: CN=second", seen, StringComparison.Ordinal);
        Assert.Contains(agent.Logs, l => l.Contains("WebConfigReloaded", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerify\n", "tls_server_config.client_auth_type: 'RequireAndVerify' is not one of")]
    [InlineData("tls_server_config:\n  cert_file: nowhere.crt\n  key_file: server.key\n", "tls_server_config.cert_file: cannot read")]
    [InlineData("basic_auth_users:\n  prometheus: scrape-me-in-clear\n", "basic_auth_users.prometheus: is not a bcrypt hash")]
    [InlineData("tls_server_config:\n  cert_filse: server.crt\n", "tls_server_config.cert_filse: unknown field")]
    [InlineData("tls_server_config: [\n", "not valid YAML")]
    public async Task A_bad_web_configuration_file_is_exit_2_naming_the_field_at_start_and_in_check_config(string webConfig, string expected)
    {
        using var config = Config(webConfig);

        foreach (var verb in new[] { "check-config", "run" })
        {
            var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync(verb, "--config", config.FilePath);

            Assert.Equal(2, exitCode);
            Assert.Empty(stdout);
            var error = Assert.Single(stderr);
            Assert.StartsWith($"node-agent: invalid configuration: {config.FilePath}: Http:WebConfigFile: {_pki.File("web.yml")}: {expected}", error, StringComparison.Ordinal);
            Assert.DoesNotContain("scrape-me-in-clear", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Prometheus_scrapes_over_tls_with_a_client_certificate_and_basic_auth_and_sees_the_target_up()
    {
        using var config = Config(TlsFile("RequireAndVerifyClientCert") + $"basic_auth_users:\n  prometheus: {Hash}\n");
        using var client = _pki.Client("prometheus", Password, clientCertificate: "scraper");
        await using var agent = await config.StartAgentAsync(client);
        File.WriteAllText(_pki.File("password"), Password);
        File.WriteAllText(_pki.File("wrong-password"), "guess");

        // Two jobs on the same target: the right password, and a wrong one that must see the target down.
        string Job(string name, string passwordFile) => $"""
              - job_name: {name}
                scheme: https
                tls_config:
                  ca_file: {_pki.CaFile}
                  cert_file: {_pki.File("scraper.crt")}
                  key_file: {_pki.File("scraper.key")}
                basic_auth:
                  username: prometheus
                  password_file: {_pki.File(passwordFile)}
                static_configs:
                  - targets: ["{config.BaseAddress.Authority}"]
            """;
        await using var prometheus = await PrometheusServer.StartAsync(Job("node", "password") + "\n" + Job("wrong", "wrong-password"));

        Assert.Equal(1, await prometheus.QueryUntilAsync("up{job=\"node\"}", v => v == 1, TimeSpan.FromSeconds(60)));
        Assert.Equal(1, await prometheus.QueryUntilAsync("count(node_load1{job=\"node\"})", v => v == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await prometheus.QueryUntilAsync("up{job=\"wrong\"}", v => v == 0, TimeSpan.FromSeconds(30)));
    }
}
