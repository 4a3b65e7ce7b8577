using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary><c>Http:WebConfigFile</c> through the configuration reader: a bad file is an invalid configuration
/// (exit 2) naming the key, the file and the field; a good one is in the options and in check-config's output.</summary>
public sealed class WebConfigFileKeyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigReport Read(string webConfig)
    {
        var (layers, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), null, new Hashtable(),
            [$"--Http:WebConfigFile={webConfig}", "--Logs:Enabled=false", "--Kubernetes:Enabled=false"]);
        return AgentOptionsReader.Read(layers, errors, "node-a", "host");
    }

    [Fact]
    public void A_bad_file_is_an_error_naming_the_key_the_file_and_the_field()
    {
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n  client_auth_type: RequireAndVerify\n");

        var report = Read(path);

        Assert.False(report.IsValid);
        Assert.Contains($"command line: Http:WebConfigFile: {path}: tls_server_config.client_auth_type: 'RequireAndVerify' is not one of", report.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_certificate_is_an_error_at_start_not_at_the_first_handshake()
    {
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n");

        var report = Read(path);

        Assert.Contains(report.Errors, e => e.StartsWith($"command line: Http:WebConfigFile: {path}: tls_server_config.cert_file: cannot read", StringComparison.Ordinal));
    }

    [Fact]
    public void A_good_file_is_in_the_options_and_in_check_config()
    {
        var path = _dir.Write("web.yml", $"basic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");

        var report = Read(path);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal(path, report.Options!.Web!.FilePath);
        Assert.Equal(path, EffectiveConfig.Values(report.Options)["Http:WebConfigFile"]);
    }

    [Fact]
    public void Warnings_of_the_file_are_configuration_warnings()
    {
        var ca = new TestCertificates();
        var (cert, key) = ca.Issue("agent");
        _dir.Write("server.crt", cert);
        _dir.Write("server.key", key);
        var path = _dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  curve_preferences: [X25519]\n");

        var report = Read(path);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Contains(report.Warnings, w => w.StartsWith($"Http:WebConfigFile: {path}: tls_server_config.curve_preferences: not applied", StringComparison.Ordinal));
        ca.Dispose();
    }
}
