using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>Issue 11, point 11: credentials written into a URL would reach check-config, the logs, /readyz and the
/// index page with it, so such a URL is refused at validation, and the refusal itself never repeats the secret.</summary>
public sealed class UrlCredentialsTests : IDisposable
{
    private const string Secret = "s3cret-Qx7-never-print";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ConfigReport Read(IDictionary? environment = null, params string[] arguments)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, environment ?? new Hashtable(), arguments);
        return AgentOptionsReader.Read(layers, errors, "node-a", "host");
    }

    [Theory]
    [InlineData($"https://elastic:{Secret}@es.example:9200")]
    [InlineData($"http://elastic:{Secret}@127.0.0.1:9200/prefix")]
    [InlineData($"https://{Secret}@es.example")]
    [InlineData($"https://elastic:{Secret}@es.example?x=1")]
    public void A_url_with_user_info_is_refused_pointing_at_the_credential_keys(string url)
    {
        var report = Read(arguments: $"--Elasticsearch:Urls:0={url}");

        Assert.False(report.IsValid);
        var error = Assert.Single(report.Errors);
        Assert.StartsWith("command line: Elasticsearch:Urls: ", error, StringComparison.Ordinal);
        Assert.Contains("Elasticsearch:Username", error, StringComparison.Ordinal);
        Assert.Contains("Elasticsearch:Password", error, StringComparison.Ordinal);
        Assert.Contains("Elasticsearch:PasswordFile", error, StringComparison.Ordinal);
        Assert.Contains("://<redacted>@", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_url_with_user_info_is_refused_among_several_from_the_environment()
    {
        var report = Read(new Hashtable { ["NODEAGENT_Elasticsearch__Urls"] = $"https://a:9200, https://elastic:{Secret}@b:9200" });

        var error = Assert.Single(report.Errors);
        Assert.StartsWith("environment: Elasticsearch:Urls: 'https://<redacted>@b:9200' ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData($"ftp://elastic:{Secret}@es.example", "'ftp://<redacted>@es.example' is not an http:// or https:// URL")]
    [InlineData($"elastic:{Secret}@es.example:9200", "'<redacted>@es.example:9200' is not an http:// or https:// URL")]
    public void A_url_that_is_not_http_is_refused_without_repeating_its_user_info(string url, string expected)
    {
        var error = Assert.Single(Read(arguments: $"--Elasticsearch:Urls:0={url}").Errors);

        Assert.EndsWith("Elasticsearch:Urls: " + expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_without_user_info_is_kept_as_it_is()
    {
        var report = Read(arguments: "--Elasticsearch:Urls:0=https://es.example:9200/prefix?x=a@b");

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal("https://es.example:9200/prefix?x=a@b", Assert.Single(report.Options!.Elasticsearch.Urls).ToString());
    }

    [Fact]
    public void A_kubeconfig_whose_server_url_holds_user_info_is_refused_without_repeating_it()
    {
        var kubeconfig = _dir.Write("kubeconfig", TestKubeconfig.Yaml($"https://admin:{Secret}@127.0.0.1:6443"));

        var error = Assert.Single(Read(arguments: $"--Kubernetes:Kubeconfig={kubeconfig}").Errors);

        Assert.StartsWith("command line: Kubernetes:Kubeconfig: ", error, StringComparison.Ordinal);
        Assert.Contains("user info", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
    }
}
