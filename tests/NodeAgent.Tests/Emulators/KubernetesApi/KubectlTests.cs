using System.Diagnostics;
using System.Text.Json.Nodes;
using NodeAgent.KubernetesApiEmulation;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Emulators.KubernetesApi;

/// <summary>The fidelity check: the real kubectl, through a kubeconfig the fake wrote, reads the fake as it would
/// read a cluster (discovery, list, field selector, bearer token, TLS with a private CA).</summary>
public sealed class KubectlTests
{
    [ToolFact("kubectl")]
    public async Task Kubectl_lists_all_pods_as_json()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        Seed(api);
        using var temp = new TempDirectory();
        var kubeconfig = Path.Combine(temp.Path, "config");
        api.WriteKubeconfig(kubeconfig);

        var (exit, stdout, stderr) = await KubectlAsync(temp, kubeconfig, "get", "pods", "-A", "-o", "json");

        Assert.True(exit == 0, stderr);
        var list = JsonNode.Parse(stdout)!;
        Assert.Equal(["kube-system/proxy", "shop/db-0", "shop/web-1"], list["items"]!.AsArray().Select(i => $"{i!["metadata"]!["namespace"]}/{i["metadata"]!["name"]}"));
        Assert.Equal("containerd://abc", (string?)list["items"]![2]!["status"]!["containerStatuses"]![0]!["containerID"]);
    }

    [ToolFact("kubectl")]
    public async Task Kubectl_field_selector_on_the_node_reaches_the_fake_and_filters()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        Seed(api);
        using var temp = new TempDirectory();
        var kubeconfig = Path.Combine(temp.Path, "config");
        api.WriteKubeconfig(kubeconfig);

        var (exit, stdout, stderr) = await KubectlAsync(temp, kubeconfig, "get", "pods", "--field-selector", "spec.nodeName=node-a", "-A", "-o", "name");

        Assert.True(exit == 0, stderr);
        Assert.Equal(["pod/proxy", "pod/web-1"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(api.Requests, r => r.Path == "/api/v1/pods" && r.Query("fieldSelector") == "spec.nodeName=node-a");
    }

    [ToolFact("kubectl")]
    public async Task Kubectl_uses_the_token_and_the_certificate_authority_from_the_kubeconfig()
    {
        await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { Token = "s3cret", Tls = true });
        Seed(api);
        using var temp = new TempDirectory();
        var good = Path.Combine(temp.Path, "good");
        var bad = Path.Combine(temp.Path, "bad");
        api.WriteKubeconfig(good);
        api.WriteKubeconfig(bad, token: "guess");

        var (exit, stdout, stderr) = await KubectlAsync(temp, good, "get", "pods", "-n", "shop", "-o", "name");
        var (badExit, _, badStderr) = await KubectlAsync(temp, bad, "get", "pods", "-n", "shop", "-o", "name");

        Assert.StartsWith("https://", api.BaseUrl.ToString(), StringComparison.Ordinal);
        Assert.True(exit == 0, stderr);
        Assert.Equal(["pod/db-0", "pod/web-1"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.NotEqual(0, badExit);
        Assert.Contains("Unauthorized", badStderr, StringComparison.Ordinal);
    }

    private static void Seed(FakeKubernetesApi api)
    {
        api.UpsertNamespace("shop");
        api.UpsertNamespace("kube-system");
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Container("web", "nginx:1.27", "containerd://abc").PodIp("10.1.0.5").Build());
        api.UpsertPod(FakePod.Create("shop", "db-0", "node-b").Container("db", "postgres:17", "containerd://def").Build());
        api.UpsertPod(FakePod.Create("kube-system", "proxy", "node-a").Container("proxy", "registry.k8s.io/kube-proxy:v1.32.0", "containerd://123").Build());
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> KubectlAsync(TempDirectory temp, string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo(RequiredTool.Path("kubectl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A discovery cache of its own, so runs neither read nor leave ~/.kube/cache entries for a port reused later.
        foreach (var arg in (string[])["--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(temp.Path, "cache"), "--request-timeout", "20s", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
