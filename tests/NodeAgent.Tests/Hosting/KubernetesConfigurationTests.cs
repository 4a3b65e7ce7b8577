using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>The <c>Kubernetes:*</c> keys: on by default only where there is something to watch, clear errors otherwise.</summary>
public sealed class KubernetesConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ConfigReport Read(params string[] arguments)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(), arguments);
        return AgentOptionsReader.Read(layers, errors, "node-a", "host");
    }

    [Fact]
    public void Outside_a_cluster_and_without_a_kubeconfig_it_is_off_with_the_documented_defaults()
    {
        var options = Read().Options!;

        Assert.False(options.Kubernetes.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Kubernetes.MetadataWait);
        Assert.Null(options.Kubernetes.ClusterName);
        Assert.False(options.Kubernetes.NamespaceLabels);
        Assert.False(options.Logs.ParseJson);
    }

    [Fact]
    public void A_kubeconfig_turns_it_on()
    {
        var kubeconfig = _dir.Write("kubeconfig", TestKubeconfig.Yaml());
        var options = Read($"--Kubernetes:Kubeconfig={kubeconfig}", "--Kubernetes:ClusterName=prod-eu", "--Kubernetes:MetadataWait=500ms", "--Logs:ParseJson=true").Options!;

        Assert.True(options.Kubernetes.Enabled);
        Assert.Equal(kubeconfig, options.Kubernetes.Kubeconfig);
        Assert.Equal("prod-eu", options.Kubernetes.ClusterName);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Kubernetes.MetadataWait);
        Assert.True(options.Logs.ParseJson);
    }

    [Fact]
    public void Enabled_without_a_service_account_or_kubeconfig_names_the_key_and_the_way_out()
    {
        var report = Read("--Kubernetes:Enabled=true");

        var error = Assert.Single(report.Errors);
        Assert.Contains("Kubernetes:Enabled", error, StringComparison.Ordinal);
        Assert.Contains("Kubernetes:Kubeconfig", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_kubeconfig_file_is_an_error_naming_it()
    {
        var report = Read("--Kubernetes:Kubeconfig=/nowhere/kubeconfig");

        var error = Assert.Single(report.Errors);
        Assert.Contains("Kubernetes:Kubeconfig", error, StringComparison.Ordinal);
        Assert.Contains("/nowhere/kubeconfig", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not: [valid")]
    [InlineData("apiVersion: v1\nkind: Config\n")]
    public void A_kubeconfig_the_client_cannot_use_is_a_configuration_error_naming_it(string content)
    {
        var kubeconfig = _dir.Write("kubeconfig", content);

        var error = Assert.Single(Read($"--Kubernetes:Kubeconfig={kubeconfig}").Errors);
        Assert.StartsWith("command line: Kubernetes:Kubeconfig: ", error, StringComparison.Ordinal);
        Assert.Contains(kubeconfig + " is not a usable kubeconfig: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Switching_it_off_explicitly_wins_over_a_kubeconfig()
    {
        var kubeconfig = _dir.Write("kubeconfig", "apiVersion: v1\n");

        Assert.False(Read($"--Kubernetes:Kubeconfig={kubeconfig}", "--Kubernetes:Enabled=false").Options!.Kubernetes.Enabled);
    }
}
