using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Kubernetes;
using NodeAgent.KubernetesApiEmulation;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Kubernetes;

/// <summary>
/// The real watcher (the official client's kubeconfig loading, our list+watch loop) against the fake API server over
/// HTTP: what the cache holds, and which requests the server saw (node filter, resume from resourceVersion, relist).
/// </summary>
public sealed class KubernetesWatcherTests : IAsyncLifetime, IDisposable
{
    private const string Node = "node-a";
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();
    private FakeKubernetesApi _api = null!;
    private KubernetesApi _client = null!;
    // The cache's clock is moved by hand (deleted pods' retention); the watcher runs on real time.
    private readonly ManualTime _clock = new(DateTimeOffset.UtcNow);
    private readonly PodCache _cache;
    private KubernetesStatistics _statistics = null!;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private DateTimeOffset _started;

    public KubernetesWatcherTests() => _cache = new PodCache(_clock);

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { Token = "s3cret", BookmarkInterval = TimeSpan.FromMilliseconds(300) });
        _api.UpsertNamespace("shop", new Dictionary<string, string> { ["team"] = "payments" });
        _api.UpsertPod(FakePod.Create("shop", "web-0", Node).Uid("uid-web-0").Label("app", "web").Container("nginx", "nginx:1.27", "containerd://aaa").Build());
        _api.UpsertPod(FakePod.Create("shop", "elsewhere", "node-b").Uid("uid-elsewhere").Container("nginx", "nginx:1.27").Build());
        var kubeconfig = Path.Combine(_directory.Path, "kubeconfig");
        _api.WriteKubeconfig(kubeconfig);
        _client = KubernetesApi.Create(new KubernetesOptions(true, kubeconfig, TimeSpan.FromSeconds(2), null, false));
        _statistics = new KubernetesStatistics(_cache);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _client.Dispose();
        await _api.DisposeAsync();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _directory.Dispose();
    }

    private void Start(params string[] arguments)
    {
        _started = DateTimeOffset.UtcNow;
        var options = TailingHarness.Options(arguments) with { NodeName = Node };
        var watcher = new KubernetesWatcher(options.NodeName, options.Kubernetes, () => _client, _cache, _statistics, TimeProvider.System, NullLogger<KubernetesWatcher>.Instance);
        _running = watcher.StartAsync(_stop.Token).ContinueWith(_ => watcher.ExecuteTask ?? Task.CompletedTask, TaskScheduler.Default).Unwrap();
    }

    [Fact]
    public async Task Lists_only_this_nodes_pods_with_the_token_and_then_watches_from_the_lists_version()
    {
        Start();
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);

        Assert.NotNull(_cache.Find("shop", "web-0", "uid-web-0"));
        Assert.Null(_cache.Find("shop", "elsewhere", "uid-elsewhere"));
        Assert.Equal("payments", _cache.FindNamespace("shop")!.Labels.Single(l => l.Key == "team").Value);
        var list = _api.Requests.First(r => r.Path == "/api/v1/pods" && !r.IsWatch);
        Assert.Equal("spec.nodeName=node-a", list.Query("fieldSelector"));
        var watch = await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);
        Assert.Equal("spec.nodeName=node-a", watch.Query("fieldSelector"));
        Assert.Equal("true", watch.Query("allowWatchBookmarks"));
        Assert.False(string.IsNullOrEmpty(watch.Query("resourceVersion")));

        // One pod of this node known; each resource listed once, watched once, and heard from since the list.
        var metrics = await Eventually.ValueAsync(() => AgentMetricsText.Of(_statistics), m => m.Contains("nodeagent_kubernetes_watches_total{resource=\"namespaces\"} 1\n", StringComparison.Ordinal), "both watches open");
        Assert.Contains("nodeagent_kubernetes_synced 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_kubernetes_pods 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_kubernetes_watches_total{resource=\"pods\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Empty(MetricText.Series(metrics, "nodeagent_kubernetes_relists_total"));
        Assert.Empty(MetricText.Series(metrics, "nodeagent_kubernetes_errors_total"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        foreach (var resource in new[] { "namespaces", "pods" })
        {
            var listed = MetricText.Value(metrics, $"nodeagent_kubernetes_last_list_timestamp_seconds{{resource=\"{resource}\"}}") ?? 0;
            Assert.InRange(listed, _started.ToUnixTimeMilliseconds() / 1000.0, now);
            Assert.InRange(MetricText.Value(metrics, $"nodeagent_kubernetes_last_contact_timestamp_seconds{{resource=\"{resource}\"}}") ?? 0, listed, now);
        }
    }

    [Fact]
    public async Task Added_modified_and_deleted_pods_show_up_within_seconds_and_a_deleted_one_stays()
    {
        Start();
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);
        await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);

        _api.UpsertPod(FakePod.Create("shop", "web-1", Node).Uid("uid-web-1").Label("app", "web").Build());
        await Eventually.TrueAsync(() => _cache.Find("shop", "web-1", "uid-web-1") is not null, "ADDED web-1", Soon);

        _api.UpsertPod(FakePod.Create("shop", "web-1", Node).Uid("uid-web-1").Label("app", "web").Label("version", "2").Build());
        await Eventually.TrueAsync(() => _cache.Find("shop", "web-1", "uid-web-1")!.Labels.Any(l => l.Key == "version"), "MODIFIED label", Soon);

        _api.DeletePod("shop", "web-1");
        await Eventually.TrueAsync(() => _statistics.Events("pods", "DELETED") == 1, "DELETED", Soon);
        Assert.NotNull(_cache.Find("shop", "web-1", "uid-web-1"));
        var metrics = AgentMetricsText.Of(_statistics);
        foreach (var type in new[] { "ADDED", "MODIFIED", "DELETED" })
        {
            Assert.Contains($"nodeagent_kubernetes_watch_events_total{{resource=\"pods\",type=\"{type}\"}} 1\n", metrics, StringComparison.Ordinal);
        }

        // web-0 and the deleted web-1, kept for its last lines.
        Assert.Contains("nodeagent_kubernetes_pods 2\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_left_out_for_Kubernetes_MaxMetadataBytes_is_counted_at_each_update_of_the_pod()
    {
        Start("--Kubernetes:Annotations:0=*");
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);
        await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);
        Assert.Contains("nodeagent_kubernetes_metadata_pairs_dropped_total 0\n", AgentMetricsText.Of(_statistics), StringComparison.Ordinal);

        // An annotation larger than the 16 KiB cap: left out of the pod's documents when it is added, and again when
        // the pod changes.
        var blob = new string('x', 20_000);
        _api.UpsertPod(FakePod.Create("shop", "web-5", Node).Uid("uid-web-5").Annotation("tenant.example/blob", blob).Build());
        await Eventually.TrueAsync(() => _cache.Find("shop", "web-5", "uid-web-5") is not null, "ADDED web-5", Soon);
        Assert.Contains("nodeagent_kubernetes_metadata_pairs_dropped_total 1\n", AgentMetricsText.Of(_statistics), StringComparison.Ordinal);
        _api.UpsertPod(FakePod.Create("shop", "web-5", Node).Uid("uid-web-5").Annotation("tenant.example/blob", blob).Label("version", "2").Build());
        await Eventually.TrueAsync(() => _statistics.Events("pods", "MODIFIED") == 1, "MODIFIED web-5", Soon);
        Assert.Contains("nodeagent_kubernetes_metadata_pairs_dropped_total 2\n", AgentMetricsText.Of(_statistics), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_version_seen_without_listing_again()
    {
        Start();
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);
        await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);
        var version = _api.UpsertPod(FakePod.Create("shop", "web-2", Node).Uid("uid-web-2").Build());
        await Eventually.TrueAsync(() => _cache.Find("shop", "web-2", null) is not null, "ADDED web-2", Soon);

        _api.DropWatches();

        await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch && Version(r) >= long.Parse(version), Soon);
        Assert.Equal(1, _api.Requests.Count(r => r.Path == "/api/v1/pods" && !r.IsWatch));
        Assert.Equal(0, _statistics.Relists("pods"));
    }

    [Fact]
    public async Task Bookmarks_move_the_version_on_so_a_resumed_watch_starts_after_events_it_was_not_sent()
    {
        Start();
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);
        var first = await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);
        // Changes on another node move the server's version; this watch sees only bookmarks for them.
        var version = _api.UpsertPod(FakePod.Create("shop", "other", "node-b").Uid("uid-other").Build());
        // Bookmarks come every 300 ms: the second one received after the change was sent after it, at its version.
        var before = _statistics.Events("pods", "BOOKMARK");
        await Eventually.ValueAsync(() => _statistics.Events("pods", "BOOKMARK"), n => n >= before + 2, "two bookmarks after the change", Soon);

        _api.DropWatches();

        var resumed = await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch && r.Time > first.Time, Soon);
        Assert.True(Version(resumed) >= long.Parse(version), $"resumed from {resumed.Query("resourceVersion")}, bookmark was at {version}");
    }

    [Fact]
    public async Task An_expired_version_410_Gone_lists_again_and_forgets_pods_deleted_meanwhile()
    {
        Start();
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);
        await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);

        // While the watch is down: a pod comes, one goes, and the server compacts its history.
        using (_api.HoldWatches())
        {
            _api.DropWatches();
            _api.UpsertPod(FakePod.Create("shop", "web-3", Node).Uid("uid-web-3").Build());
            _api.DeletePod("shop", "web-0");
            _api.Compact();
        }

        await Eventually.TrueAsync(() => _statistics.Relists("pods") >= 1, "a relist after 410", Soon);
        await Eventually.TrueAsync(() => _cache.Find("shop", "web-3", "uid-web-3") is not null, "web-3 from the relist", Soon);
        Assert.Equal(1, _statistics.Relists("pods"));
        Assert.Contains("nodeagent_kubernetes_relists_total{resource=\"pods\"} 1\n", AgentMetricsText.Of(_statistics), StringComparison.Ordinal);
        Assert.True(_api.Requests.Count(r => r.Path == "/api/v1/pods" && !r.IsWatch) >= 2);
        // web-0 vanished unwatched: still kept for its last lines, as a deleted pod, and gone five minutes later.
        Assert.NotNull(_cache.Find("shop", "web-0", "uid-web-0"));
        _clock.Advance(PodCache.DeletedRetention + TimeSpan.FromSeconds(1));
        Assert.Null(_cache.Find("shop", "web-0", "uid-web-0"));
        Assert.NotNull(_cache.Find("shop", "web-3", "uid-web-3"));
        // The list after a 410 is a consistent read (no resourceVersion); the first may come from the server's cache.
        var lists = _api.Requests.Where(r => r.Path == "/api/v1/pods" && !r.IsWatch).ToList();
        Assert.Equal("0", lists[0].Query("resourceVersion"));
        Assert.True(string.IsNullOrEmpty(lists[^1].Query("resourceVersion")));
    }

    [Fact]
    public async Task A_node_with_more_pods_than_a_page_is_listed_page_by_page()
    {
        for (var i = 0; i < ResourceWatch<PodObject>.PageSize + 20; i++)
        {
            _api.UpsertPod(FakePod.Create("shop", $"batch-{i}", Node).Uid($"uid-batch-{i}").Build());
        }

        Start();
        await Eventually.TrueAsync(() => _cache.Synced, "synced", Soon);

        Assert.Equal(ResourceWatch<PodObject>.PageSize + 21, _cache.PodCount);
        Assert.Contains(_api.Requests, r => r.Path == "/api/v1/pods" && !string.IsNullOrEmpty(r.Query("continue")));
    }

    [Fact]
    public async Task A_failure_while_applying_an_event_is_retried_and_never_ends_the_watch()
    {
        var failures = 1;
        var target = new WatchTarget<PodObject>(
            "pods", "api/v1/pods", "spec.nodeName=" + Node, KubernetesJsonContext.Default.PodObject, KubernetesJsonContext.Default.ObjectListPodObject,
            items => _cache.ReplacePods(items.Select(PodMetadata.From)),
            (_, pod) =>
            {
                if (Interlocked.Decrement(ref failures) >= 0)
                {
                    throw new InvalidOperationException("a bug in applying an event");
                }

                _cache.UpsertPod(PodMetadata.From(pod));
            });
        var watch = new ResourceWatch<PodObject>(_client, target, _statistics, TimeProvider.System, NullLogger.Instance);
        _running = watch.RunAsync(_stop.Token);
        await _api.WaitForRequestAsync(r => r.Path == "/api/v1/pods" && r.IsWatch, Soon);

        _api.UpsertPod(FakePod.Create("shop", "web-4", Node).Uid("uid-web-4").Build());

        await Eventually.TrueAsync(() => _cache.Find("shop", "web-4", "uid-web-4") is not null, "web-4 after the failed first try", Soon);
        Assert.Equal(1, _statistics.Errors("pods"));
        Assert.Contains("nodeagent_kubernetes_errors_total{resource=\"pods\"} 1\n", AgentMetricsText.Of(_statistics), StringComparison.Ordinal);
        Assert.False(_running.IsCompleted);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_counted()
    {
        _api.FailNextRequests(3, 500);
        Start();

        await Eventually.TrueAsync(() => _cache.Synced, "synced despite three 500s", Soon);
        Assert.True(_statistics.Errors("pods") + _statistics.Errors("namespaces") >= 3);
    }

    [Fact]
    public async Task A_wrong_token_never_syncs_and_counts_errors()
    {
        var kubeconfig = Path.Combine(_directory.Path, "wrong");
        _api.WriteKubeconfig(kubeconfig, token: "wrong");
        _client.Dispose();
        _client = KubernetesApi.Create(new KubernetesOptions(true, kubeconfig, TimeSpan.FromSeconds(2), null, false));
        Start();

        await Eventually.TrueAsync(() => _statistics.Errors("pods") >= 2, "two refused attempts", Soon);
        Assert.False(_cache.Synced);
        var metrics = AgentMetricsText.Of(_statistics);
        Assert.Contains("nodeagent_kubernetes_synced 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_kubernetes_pods 0\n", metrics, StringComparison.Ordinal);
        // Refused (401) is no answer for a resource: nothing listed, no contact.
        Assert.Empty(MetricText.Series(metrics, "nodeagent_kubernetes_last_list_timestamp_seconds"));
        Assert.Empty(MetricText.Series(metrics, "nodeagent_kubernetes_last_contact_timestamp_seconds"));
    }

    private static long Version(RecordedRequest request) => long.TryParse(request.Query("resourceVersion"), out var v) ? v : -1;
}
