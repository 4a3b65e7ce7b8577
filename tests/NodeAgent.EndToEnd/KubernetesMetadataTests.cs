using System.Globalization;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.KubernetesApiEmulation;
using static NodeAgent.TestSupport.JsonFields;

namespace NodeAgent.EndToEnd;

/// <summary>
/// The real agent process, pointed at the fake API server with a kubeconfig (issue 6, point 4), ships to the
/// Elasticsearch emulator: documents carry the pod's metadata and follow its changes, opted-out pods, containers and
/// namespaces are not shipped, the watch survives dropped connections and 410 Gone, and an API server that is down
/// delays lines by at most Kubernetes:MetadataWait.
/// </summary>
public sealed class KubernetesMetadataTests
{
    private const string Target = "logs-kubernetes.container_logs-default";
    private const string Node = "node-a";
    private const string Token = "e2e-token";

    private static string LogPath(AgentConfig config, string ns, string pod, string uid, string container) =>
        Path.Combine(config.Root, "pods", $"{ns}_{pod}_{uid}", container, "0.log");

    private static void Write(string path, string prefix, int count)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = File.AppendText(path);
        for (var i = 0; i < count; i++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:00:{i % 60:00}.000000001Z stdout F {prefix} {i:0000} padded past the fingerprint length of a file\n"));
        }
    }

    private static async Task<AgentProcess> StartAsync(AgentConfig config, ElasticsearchEmulator emulator, FakeKubernetesApi api, string metadataWait = "5s")
    {
        var kubeconfig = Path.Combine(config.Root, "kubeconfig");
        api.WriteKubeconfig(kubeconfig);
        return await config.StartAgentAsync(
            $"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms",
            $"--Node:Name={Node}", $"--Kubernetes:Kubeconfig={kubeconfig}", $"--Kubernetes:MetadataWait={metadataWait}", "--Kubernetes:ClusterName=e2e");
    }

    private static async Task<List<JsonElement>> WaitForAsync(ElasticsearchEmulator emulator, Func<List<JsonElement>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var documents = emulator.Exists(Target) ? emulator.Documents(Target).ToList() : [];
            if (done(documents) || DateTime.UtcNow > deadline)
            {
                return documents;
            }

            await Task.Delay(100);
        }
    }

    private static List<JsonElement> From(List<JsonElement> documents, string prefix) =>
        [.. documents.Where(d => Field(d, "message")!.StartsWith(prefix + " ", StringComparison.Ordinal))];

    [Fact]
    public async Task Documents_carry_the_pods_metadata_follow_its_changes_and_honour_the_opt_outs()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { Token = Token });
        api.UpsertNamespace("shop", new Dictionary<string, string> { ["team"] = "payments" });
        api.UpsertNamespace("noisy", new Dictionary<string, string> { ["node-agent.io/exclude"] = "true" });
        api.UpsertPod(FakePod.Create("shop", "web-5d8f7b9c4-abcde", Node).Uid("uid-web")
            .Label("app.kubernetes.io/name", "web").Label("app", "web").Label("pod-template-hash", "5d8f7b9c4")
            .Annotation("node-agent.io/exclude-containers", "sidecar")
            .Owner("ReplicaSet", "web-5d8f7b9c4").PodIp("10.244.1.7")
            .Container("nginx", "nginx:1.27.3", "containerd://" + new string('a', 64)).Container("sidecar", "envoy:1.31").Build());
        api.UpsertPod(FakePod.Create("shop", "api-0", Node).Uid("uid-api").Annotation("node-agent.io/parse", "json").Owner("StatefulSet", "api")
            .Container("api", "shop/api:2.1").Build());
        api.UpsertPod(FakePod.Create("shop", "chatty", Node).Uid("uid-chatty").Annotation("node-agent.io/exclude", "true").Container("c", "busybox").Build());
        api.UpsertPod(FakePod.Create("noisy", "loud", Node).Uid("uid-loud").Container("c", "busybox").Build());
        var web = LogPath(config, "shop", "web-5d8f7b9c4-abcde", "uid-web", "nginx");
        Write(web, "web", 50);
        Write(LogPath(config, "shop", "web-5d8f7b9c4-abcde", "uid-web", "sidecar"), "sidecar", 20);
        Write(LogPath(config, "shop", "chatty", "uid-chatty", "c"), "chatty", 20);
        Write(LogPath(config, "noisy", "loud", "uid-loud", "c"), "loud", 20);
        var apiLog = LogPath(config, "shop", "api-0", "uid-api", "api");
        Directory.CreateDirectory(Path.GetDirectoryName(apiLog)!);
        File.WriteAllText(apiLog, "2026-11-28T10:00:00.000000001Z stdout F {\"level\":\"error\",\"message\":\"inner\",\"@timestamp\":\"not the document's\",\"code\":503}\n");

        await using var agent = await StartAsync(config, emulator, api);

        var documents = await WaitForAsync(emulator, d => From(d, "web").Count == 50 && d.Count >= 51, TimeSpan.FromSeconds(30));
        var webDocuments = From(documents, "web");
        Assert.Equal(50, webDocuments.Count);
        Assert.All(webDocuments, d =>
        {
            Assert.Equal("web", Field(d, "kubernetes.labels.app"));
            Assert.Equal("web", Field(d, "kubernetes.labels.app_kubernetes_io_name"));
            Assert.Equal("web", Field(d, "kubernetes.deployment.name"));
            Assert.Equal("10.244.1.7", Field(d, "kubernetes.pod.ip"));
            Assert.Equal("uid-web", Field(d, "kubernetes.pod.uid"));
            Assert.Equal(Node, Field(d, "kubernetes.node.name"));
            Assert.Equal("nginx:1.27.3", Field(d, "container.image.name"));
            Assert.Equal("containerd", Field(d, "container.runtime"));
            Assert.Equal(new string('a', 64), Field(d, "container.id"));
            Assert.Equal("e2e", Field(d, "orchestrator.cluster.name"));
        });
        var json = Assert.Single(documents, d => Field(d, "kubernetes.pod.name") == "api-0");
        Assert.Equal("error", Field(json, "json.level"));
        Assert.Equal("503", Field(json, "json.code"));
        Assert.Equal("2026-11-28T10:00:00.000000001Z", Field(json, "@timestamp"));
        Assert.Equal("api", Field(json, "kubernetes.statefulset.name"));

        // A label change shows up on the next lines, within seconds.
        api.UpsertPod(FakePod.Create("shop", "web-5d8f7b9c4-abcde", Node).Uid("uid-web")
            .Label("app", "web").Label("pod-template-hash", "5d8f7b9c4").Label("release", "canary")
            .Annotation("node-agent.io/exclude-containers", "sidecar").Owner("ReplicaSet", "web-5d8f7b9c4").PodIp("10.244.1.7")
            .Container("nginx", "nginx:1.27.3", "containerd://" + new string('a', 64)).Container("sidecar", "envoy:1.31").Build());
        await Task.Delay(1000);
        Write(web, "later", 5);
        documents = await WaitForAsync(emulator, d => From(d, "later").Count == 5, TimeSpan.FromSeconds(15));
        Assert.All(From(documents, "later"), d => Assert.Equal("canary", Field(d, "kubernetes.labels.release")));

        // The watch breaks and the server forgets the history: a pod created meanwhile still gets its metadata.
        // (Compacted after the new pod's event, before the agent can watch again: the version it resumes from is then
        // older than the history.)
        using (api.HoldWatches())
        {
            api.DropWatches();
            api.UpsertPod(FakePod.Create("shop", "new-0", Node).Uid("uid-new").Label("app", "new").Container("c", "busybox:1.36").Build());
            api.Compact();
        }

        Write(LogPath(config, "shop", "new-0", "uid-new", "c"), "new", 3);
        documents = await WaitForAsync(emulator, d => From(d, "new").Count == 3, TimeSpan.FromSeconds(15));
        Assert.All(From(documents, "new"), d => Assert.Equal("new", Field(d, "kubernetes.labels.app")));

        // Opted out: never shipped (given time to have been).
        await Task.Delay(1000);
        documents = emulator.Documents(Target).ToList();
        Assert.Empty(From(documents, "sidecar"));
        Assert.Empty(From(documents, "chatty"));
        Assert.Empty(From(documents, "loud"));
        Assert.Equal(50 + 1 + 5 + 3, documents.Count);

        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_kubernetes_synced 1", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_lines_excluded_total 60", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_kubernetes_relists_total{resource=\"pods\"} 1", metrics, StringComparison.Ordinal);
        Assert.All(api.Requests.Where(r => r.Path == "/api/v1/pods"), r => Assert.Equal("spec.nodeName=" + Node, r.Query("fieldSelector")));
    }

    [Fact]
    public async Task An_api_server_that_is_down_delays_lines_by_at_most_the_metadata_wait()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { Token = Token });
        api.FailNextRequests(100_000, 503);
        Write(LogPath(config, "shop", "web-0", "uid-web", "nginx"), "web", 20);

        await using var agent = await StartAsync(config, emulator, api, metadataWait: "1s");

        var documents = await WaitForAsync(emulator, d => d.Count == 20, TimeSpan.FromSeconds(20));
        Assert.Equal(20, documents.Count);
        Assert.All(documents, d =>
        {
            Assert.Equal("web-0", Field(d, "kubernetes.pod.name"));
            Assert.Equal("uid-web", Field(d, "kubernetes.pod.uid"));
            Assert.Null(Field(d, "kubernetes.labels"));
        });
        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_kubernetes_synced 0", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_metadata_timeouts_total 1", metrics, StringComparison.Ordinal);
        Assert.Matches("nodeagent_kubernetes_errors_total\\{resource=\"pods\"\\} [1-9]", metrics);
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }
}
