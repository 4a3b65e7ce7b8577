using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;
using static NodeAgent.TestSupport.JsonFields;

namespace NodeAgent.Tests.Kubernetes;

/// <summary>
/// The real reading loop with a pod cache fed by hand: documents get the pod's metadata, wait for it a bounded time,
/// follow its changes, and opted-out pods, containers and namespaces are read but never shipped.
/// </summary>
public sealed class EnrichmentPipelineTests : IDisposable
{
    private const string Uid = "uid-web";
    private readonly TempDirectory _dir = new();
    private readonly PodCache _cache = new(TimeProvider.System);
    private readonly TailStatistics _statistics = new();
    private PodEnricher? _enricher;

    public EnrichmentPipelineTests()
    {
        // Both lists are in, as after the watcher's start (a test that needs otherwise makes a cache of its own).
        _cache.ReplacePods([]);
        _cache.ReplaceNamespaces([NamespaceMetadata.From(KubernetesFixtures.Namespace("shop"))]);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A CRI line; the JSON ones are long enough already, others are padded past the fingerprint length
    /// (a shorter file is read only once it stops growing).</summary>
    private static string Line(string message) =>
        $"2026-11-28T10:15:00.000000001Z stdout F {(message.StartsWith('{') ? message : message + " " + new string('.', 80))}\n";

    private string LogFile(string container, string ns = "shop", string pod = "web-0", string uid = Uid) =>
        Path.Combine(_dir.Path, "pods", $"{ns}_{pod}_{uid}", container, "0.log");

    private static void Append(string path, string message)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.AppendAllText(path, Line(message));
    }

    /// <param name="cache">A cache of the test's own; else the one whose lists are in.</param>
    private async Task<(FileServer Server, TestOutput Output)> StartAsync(string metadataWait = "2s", PodCache? cache = null)
    {
        var options = TailingHarness.Options(
            $"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms",
            $"--Kubernetes:MetadataWait={metadataWait}", "--Kubernetes:ClusterName=prod-eu");
        options = options with { Kubernetes = options.Kubernetes with { Enabled = true } };
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        _enricher = new PodEnricher(options.Kubernetes, options.Logs.ParseJson, cache ?? _cache);
        var server = TailingHarness.Server(options, output, budget, _statistics, pods: cache ?? _cache, enrichment: _enricher);
        await server.StartAsync(CancellationToken.None);
        return (server, output);
    }

    private static async Task<List<JsonElement>> Receive(TestOutput output, int count, TimeSpan? within = null) =>
        [.. await Eventually.ValueAsync(() => output.Documents.ToArray(), d => d.Length >= count, $"{count} documents", within)];

    /// <summary>Until every open file has looked at the cache as it is now: a line written after that is read with
    /// what the cache holds (the loop looks again before it reads, only when the cache changed).</summary>
    private async Task SeenByEveryFile(FileServer server, PodCache? cache = null)
    {
        var version = (cache ?? _cache).Version;
        await Eventually.TrueAsync(() => server.Tails.Count > 0 && server.Tails.All(t => t.Enrichment.CacheVersion >= version), $"every file looked at cache version {version}");
    }

    private void Publish(Action<System.Text.Json.Nodes.JsonObject>? edit = null, string ns = "shop", string name = "web-0", string uid = Uid) =>
        _cache.UpsertPod(PodMetadata.From(KubernetesFixtures.Pod(ns, name, uid, edit)));

    private void SyncNamespaces(params NamespaceMetadata[] namespaces) => _cache.ReplaceNamespaces(namespaces);

    [Fact]
    public async Task Lines_of_a_new_pod_wait_for_its_metadata_and_then_carry_it()
    {
        SyncNamespaces(NamespaceMetadata.From(KubernetesFixtures.Namespace("shop")));
        Append(LogFile("nginx"), "first");
        var (server, output) = await StartAsync();
        using var _ = server;
        await Eventually.TrueAsync(() => server.Tails.Any(t => t.Enrichment.WaitingSince is not null), "the file waiting for its pod");
        Assert.Empty(output.Documents);

        Publish();
        var document = Assert.Single(await Receive(output, 1));

        Assert.Equal("web", Field(document, "kubernetes.labels.app"));
        Assert.Equal("web", Field(document, "kubernetes.labels.app_kubernetes_io_name"));
        Assert.Equal("web", Field(document, "kubernetes.deployment.name"));
        Assert.Equal("web-5d8f7b9c4", Field(document, "kubernetes.replicaset.name"));
        Assert.Equal("10.244.1.23", Field(document, "kubernetes.pod.ip"));
        Assert.Equal("nginx:1.27.3", Field(document, "container.image.name"));
        Assert.Equal("containerd", Field(document, "container.runtime"));
        Assert.Equal("prod-eu", Field(document, "orchestrator.cluster.name"));
        Assert.Equal("kubernetes", Field(document, "orchestrator.type"));
        Assert.Equal("true", Field(document, "kubernetes.annotations.prometheus_io_scrape"));
        Assert.Null(Field(document, "kubernetes.annotations.kubectl_kubernetes_io_last-applied-configuration"));
        Assert.Equal(0, _enricher!.MetadataTimeouts);
        await server.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_metadata_in_time_lines_ship_with_the_paths_fields_and_later_ones_get_it()
    {
        Append(LogFile("nginx"), "before");
        var (server, output) = await StartAsync(metadataWait: "300ms");
        using var _ = server;

        var first = Assert.Single(await Receive(output, 1));
        Assert.Equal("web-0", Field(first, "kubernetes.pod.name"));
        Assert.Null(Field(first, "kubernetes.labels"));
        Assert.Equal("prod-eu", Field(first, "orchestrator.cluster.name"));
        Assert.Equal(1, _enricher!.MetadataTimeouts);

        Publish();
        await SeenByEveryFile(server);
        Append(LogFile("nginx"), "after");
        var second = (await Receive(output, 2))[1];
        Assert.Equal("web", Field(second, "kubernetes.labels.app"));
        await server.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Label_changes_show_up_on_the_next_lines()
    {
        Publish();
        Append(LogFile("nginx"), "one");
        var (server, output) = await StartAsync();
        using var _ = server;
        await Receive(output, 1);

        Publish(json => json["metadata"]!["labels"]!["version"] = "v2");
        await SeenByEveryFile(server);
        Append(LogFile("nginx"), "two");

        var documents = await Receive(output, 2);
        Assert.Null(Field(documents[0], "kubernetes.labels.version"));
        Assert.Equal("v2", Field(documents[1], "kubernetes.labels.version"));
        await server.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Opted_out_pods_containers_and_namespaces_are_read_but_not_shipped()
    {
        SyncNamespaces(
            NamespaceMetadata.From(KubernetesFixtures.Namespace("shop")),
            NamespaceMetadata.From(KubernetesFixtures.Namespace("noisy", ("node-agent.io/exclude", "true"))));
        Publish(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/exclude-containers", "sidecar"));
        Publish(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/exclude", "true"), name: "chatty", uid: "uid-chatty");
        Publish(ns: "noisy", name: "loud", uid: "uid-loud");
        Append(LogFile("sidecar"), "excluded container");
        Append(LogFile("nginx", pod: "chatty", uid: "uid-chatty"), "excluded pod");
        Append(LogFile("nginx", ns: "noisy", pod: "loud", uid: "uid-loud"), "excluded namespace");
        Append(LogFile("nginx"), "shipped");
        var (server, output) = await StartAsync();
        using var _ = server;

        var documents = await Receive(output, 1);
        // Excluded lines are read and acknowledged unshipped: once all three are counted, none can still be shipped.
        await Eventually.ValueAsync(() => _statistics.LinesExcluded, n => n >= 3, "three lines excluded");
        Assert.Equal(["shipped"], output.Documents.Select(d => Field(d, "message")!.Split(' ')[0]));
        Assert.Equal(3, _statistics.LinesExcluded);
        await server.StopAsync(CancellationToken.None);

        // Acknowledged: a restart does not read the excluded lines again, and counts nothing new.
        var (again, output2) = await StartAsync();
        using var __ = again;
        // Opened at their checkpoints, which are their ends: nothing left to read.
        await Eventually.TrueAsync(() => again.Tails.Count == 4 && again.Tails.All(t => t.ReadOffset == t.Length), "the four files open at their ends");
        Assert.Empty(output2.Documents);
        Assert.Equal(3, _statistics.LinesExcluded);
        await again.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_known_pod_waits_until_the_namespaces_are_listed_too_since_its_namespace_may_opt_out()
    {
        var cache = new PodCache(TimeProvider.System);
        cache.ReplacePods([PodMetadata.From(KubernetesFixtures.Pod("noisy", "loud", "uid-loud"))]);
        Append(LogFile("nginx", ns: "noisy", pod: "loud", uid: "uid-loud"), "excluded namespace");
        var (server, output) = await StartAsync(cache: cache);
        using var _ = server;
        await Eventually.TrueAsync(() => server.Tails.Any(t => t.Enrichment.WaitingSince is not null), "the file waiting for the namespaces");
        Assert.Equal(0, _statistics.LinesRead);

        cache.ReplaceNamespaces([NamespaceMetadata.From(KubernetesFixtures.Namespace("noisy", ("node-agent.io/exclude", "true")))]);
        await Eventually.ValueAsync(() => _statistics.LinesExcluded, n => n > 0, "the line excluded");

        Assert.Equal(1, _statistics.LinesExcluded);
        Assert.Empty(output.Documents);
        await server.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_keeps_what_it_knew_after_its_pod_has_left_the_cache()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var cache = new PodCache(clock);
        cache.ReplaceNamespaces([NamespaceMetadata.From(KubernetesFixtures.Namespace("shop"))]);
        var excluded = PodMetadata.From(KubernetesFixtures.Pod("shop", "chatty", "uid-chatty", json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/exclude", "true")));
        cache.ReplacePods([excluded, PodMetadata.From(KubernetesFixtures.Pod("shop", "web-0", Uid))]);
        Append(LogFile("nginx", pod: "chatty", uid: "uid-chatty"), "excluded");
        Append(LogFile("nginx"), "web");
        var (server, output) = await StartAsync(cache: cache);
        using var _ = server;
        await Receive(output, 1);

        // Both pods are deleted and five minutes pass; then any change makes every file look again.
        cache.DeletePod(excluded);
        cache.DeletePod(PodMetadata.From(KubernetesFixtures.Pod("shop", "web-0", Uid)));
        clock.Advance(PodCache.DeletedRetention + TimeSpan.FromMinutes(1));
        cache.UpsertNamespace(NamespaceMetadata.From(KubernetesFixtures.Namespace("other")));
        Append(LogFile("nginx", pod: "chatty", uid: "uid-chatty"), "still excluded");
        Append(LogFile("nginx"), "last words");

        var documents = await Receive(output, 2, TimeSpan.FromSeconds(1));
        Assert.Equal("web", Field(documents[1], "kubernetes.labels.app"));
        await Eventually.ValueAsync(() => _statistics.LinesExcluded, n => n >= 2, "the second excluded line read");
        Assert.Equal(2, output.Delivered.Count);
        Assert.Equal(2, _statistics.LinesExcluded);
        await server.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_parse_annotation_puts_json_messages_under_json()
    {
        Publish();
        Append(LogFile("nginx"), "{\"level\":\"warn\",\"@timestamp\":\"yesterday\",\"message\":\"inner\",\"n\":3}");
        Append(LogFile("nginx"), "not json");
        var (server, output) = await StartAsync();
        using var _ = server;

        var documents = await Receive(output, 2);
        Assert.Equal("warn", Field(documents[0], "json.level"));
        Assert.Equal("yesterday", Field(documents[0], "json.@timestamp"));
        Assert.Equal("3", Field(documents[0], "json.n"));
        Assert.Equal("2026-11-28T10:15:00.000000001Z", Field(documents[0], "@timestamp"));
        Assert.StartsWith("{\"level\"", Field(documents[0], "message"), StringComparison.Ordinal);
        Assert.Null(Field(documents[1], "json"));
        await server.StopAsync(CancellationToken.None);
    }
}
