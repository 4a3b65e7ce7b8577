using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.KubernetesApiEmulation;
using NodeAgent.TestSupport;
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

    private static Task<List<JsonElement>> WaitForAsync(ElasticsearchEmulator emulator, Func<List<JsonElement>, bool> done, string what, TimeSpan timeout) =>
        Eventually.ValueAsync(() => emulator.Exists(Target) ? emulator.Documents(Target).ToList() : [], done, what, timeout);

    /// <summary>Until the agent's own metrics hold <paramref name="sample"/> (a whole line: name, labels and value).</summary>
    private static Task<string> MetricAsync(AgentConfig config, string sample) =>
        Eventually.ValueAsync(config.AgentMetricsAsync, m => m.Contains(sample + "\n", StringComparison.Ordinal), sample);

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

        var documents = await WaitForAsync(emulator, d => From(d, "web").Count == 50 && d.Count >= 51, "web's 50 lines and api's one", TimeSpan.FromSeconds(30));
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
        // The agent has the change (an event is counted once applied to its cache); lines written from now on carry it.
        await MetricAsync(config, "nodeagent_kubernetes_watch_events_total{resource=\"pods\",type=\"MODIFIED\"} 1");
        Write(web, "later", 5);
        documents = await WaitForAsync(emulator, d => From(d, "later").Count == 5, "the 5 later lines", TimeSpan.FromSeconds(15));
        Assert.All(From(documents, "later"), d => Assert.Equal("canary", Field(d, "kubernetes.labels.release")));

        // The watch breaks and the server forgets the history: a pod created meanwhile still gets its metadata.
        // (Compacted after the new pod's event, before the agent can watch again: the version it resumes from is then
        // older than the history.)
        var beforeRelist = DateTimeOffset.UtcNow;
        using (api.HoldWatches())
        {
            api.DropWatches();
            api.UpsertPod(FakePod.Create("shop", "new-0", Node).Uid("uid-new").Label("app", "new").Container("c", "busybox:1.36").Build());
            api.Compact();
        }

        Write(LogPath(config, "shop", "new-0", "uid-new", "c"), "new", 3);
        documents = await WaitForAsync(emulator, d => From(d, "new").Count == 3, "new-0's 3 lines", TimeSpan.FromSeconds(15));
        Assert.All(From(documents, "new"), d => Assert.Equal("new", Field(d, "kubernetes.labels.app")));

        // Opted out: read and acknowledged unshipped. Once all 60 are counted, none of them can still be shipped.
        var metrics = await MetricAsync(config, "nodeagent_log_lines_excluded_total 60");
        documents = emulator.Documents(Target).ToList();
        Assert.Empty(From(documents, "sidecar"));
        Assert.Empty(From(documents, "chatty"));
        Assert.Empty(From(documents, "loud"));
        Assert.Equal(50 + 1 + 5 + 3, documents.Count);

        Assert.Contains("nodeagent_kubernetes_synced 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_kubernetes_relists_total{resource=\"pods\"} 1\n", metrics, StringComparison.Ordinal);
        // The node's five pods (loud's namespace opts out, the pod is still known).
        Assert.Contains("nodeagent_kubernetes_pods 5\n", metrics, StringComparison.Ordinal);
        // Every watch of pods the server answered: the first, the one after the drop (answered 410) and the one after the relist.
        var podWatches = api.Requests.Count(r => r.Path == "/api/v1/pods" && r.IsWatch);
        Assert.Contains($"nodeagent_kubernetes_watches_total{{resource=\"pods\"}} {podWatches}\n", metrics, StringComparison.Ordinal);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var lastList = MetricText.Value(metrics, "nodeagent_kubernetes_last_list_timestamp_seconds{resource=\"pods\"}");
        Assert.InRange(lastList ?? 0, beforeRelist.ToUnixTimeMilliseconds() / 1000.0, now);
        Assert.InRange(MetricText.Value(metrics, "nodeagent_kubernetes_last_contact_timestamp_seconds{resource=\"pods\"}") ?? 0, lastList!.Value, now);
        // Every line of the six files was read, the opted-out ones too; all are still open, none rotated.
        var bytes = Directory.GetFiles(Path.Combine(config.Root, "pods"), "*.log", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Contains($"nodeagent_log_bytes_read_total {bytes}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_lines_read_total {50 + 1 + 5 + 3 + 60}\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_open 6\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_rotated 0\n", metrics, StringComparison.Ordinal);
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

        // 4 s: longer than the 2 s default, so the lines arriving after 4 s and not much later shows the setting at work.
        var clock = Stopwatch.StartNew();
        await using var agent = await StartAsync(config, emulator, api, metadataWait: "4s");
        var serving = clock.Elapsed;

        await WaitForAsync(emulator, d => d.Count > 0, "the first line stored", TimeSpan.FromSeconds(20));
        var firstStored = clock.Elapsed;
        // The wait starts after the process does, and the lines then go within a flush (200 ms) and a request.
        Assert.True(firstStored >= TimeSpan.FromSeconds(4), $"the first line was stored {firstStored.TotalSeconds:F2} s after the start: before Kubernetes:MetadataWait");
        Assert.True(firstStored - serving <= TimeSpan.FromSeconds(4 + 2.5), $"the first line was stored {(firstStored - serving).TotalSeconds:F2} s after the agent served: well past Kubernetes:MetadataWait");
        var documents = await WaitForAsync(emulator, d => d.Count == 20, "the 20 lines", TimeSpan.FromSeconds(20));
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
        // The API server never answered: no pod known, no contact to report.
        Assert.Contains("nodeagent_kubernetes_pods 0\n", metrics, StringComparison.Ordinal);
        Assert.Empty(MetricText.Series(metrics, "nodeagent_kubernetes_last_contact_timestamp_seconds"));
        Assert.Empty(MetricText.Series(metrics, "nodeagent_kubernetes_last_list_timestamp_seconds"));
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }
}
