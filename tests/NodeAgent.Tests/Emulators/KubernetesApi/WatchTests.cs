using System.Diagnostics;
using NodeAgent.KubernetesApiEmulation;
using NodeAgent.TestSupport;
using static NodeAgent.Tests.Emulators.KubernetesApi.KubeHttp;

namespace NodeAgent.Tests.Emulators.KubernetesApi;

public sealed class WatchTests
{
    [Fact]
    public async Task A_watch_from_a_resourceVersion_replays_the_later_changes_in_order_then_streams_live_ones()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        var listed = Rv(await ListAsync(http, $"api/v1/pods?fieldSelector={NodeA}&limit=500"));
        var added = api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        var modified = api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Label("v", "2").Build());
        api.UpsertPod(FakePod.Create("shop", "elsewhere", "node-b").Build());
        var deleted = api.DeletePod("shop", "web-1");

        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?fieldSelector={NodeA}&watch=true&allowWatchBookmarks=true&resourceVersion={listed}&timeoutSeconds=30");
        var replay = await watch.TakeAsync(3);

        Assert.Equal("application/json", watch.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(watch.Response.Headers.TransferEncodingChunked);
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], replay.Select(e => (string)e["type"]!));
        Assert.Equal([added, modified, deleted], replay.Select(e => Rv(e["object"])));
        Assert.All(replay, e => Assert.Equal("Pod", (string?)e["object"]!["kind"]));
        // The DELETED event carries the last state, under a new resourceVersion.
        Assert.Equal("2", (string?)replay[2]["object"]!["metadata"]!["labels"]!["v"]);

        var live = api.UpsertPod(FakePod.Create("shop", "web-2", "node-a").Build());
        var next = await watch.NextAsync();
        Assert.Equal("ADDED", (string?)next!["type"]);
        Assert.Equal("web-2", Name(next["object"]));
        Assert.Equal(live, Rv(next["object"]));
    }

    [Fact]
    public async Task Live_added_modified_and_deleted_events_arrive_on_an_open_watch()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?watch=1&resourceVersion={api.CurrentResourceVersion}");
        await Eventually.TrueAsync(() => api.OpenWatchCount == 1, "the watch to be registered");

        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        var first = await watch.NextAsync();
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Phase("Succeeded").Build());
        var second = await watch.NextAsync();
        api.DeletePod("shop", "web-1");
        var third = await watch.NextAsync();

        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], new[] { first, second, third }.Select(e => (string)e!["type"]!));
        Assert.Equal("Succeeded", (string?)second!["object"]!["status"]!["phase"]);
        // uid and creationTimestamp survive an update that repeats them, as they do on the server.
        Assert.Equal((string?)first!["object"]!["metadata"]!["uid"], (string?)third!["object"]!["metadata"]!["uid"]);
    }

    [Fact]
    public async Task Without_a_resourceVersion_a_watch_starts_with_the_current_pods_as_ADDED()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Label("v", "2").Build());
        api.UpsertPod(FakePod.Create("shop", "db-0", "node-b").Build());
        using var http = Client(api.BaseUrl);

        using var unset = await WatchStream.OpenAsync(http, $"api/v1/pods?fieldSelector={NodeA}&watch=true");
        using var zero = await WatchStream.OpenAsync(http, "api/v1/namespaces/shop/pods?watch=true&resourceVersion=0");
        var fromUnset = await unset.TakeAsync(1);
        var fromZero = await zero.TakeAsync(2);

        Assert.Equal("ADDED", (string?)fromUnset[0]["type"]);
        Assert.Equal("2", (string?)fromUnset[0]["object"]!["metadata"]!["labels"]!["v"]);
        Assert.Equal(["db-0", "web-1"], fromZero.Select(e => Name(e["object"])));
        Assert.All(fromZero, e => Assert.Equal("ADDED", (string?)e["type"]));
    }

    [Fact]
    public async Task A_pod_that_leaves_or_enters_the_selection_is_DELETED_or_ADDED_for_that_watch()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        using var http = Client(api.BaseUrl);
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?fieldSelector={NodeA}&watch=true&resourceVersion={api.CurrentResourceVersion}");

        var moved = api.UpsertPod(FakePod.Create("shop", "web-1", "node-b").Build());
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-b").Label("unseen", "yes").Build());
        var back = api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        var events = await watch.TakeAsync(2);

        Assert.Equal(["DELETED", "ADDED"], events.Select(e => (string)e["type"]!));
        Assert.Equal([moved, back], events.Select(e => Rv(e["object"])));
    }

    [Fact]
    public async Task A_list_then_watch_while_pods_are_written_concurrently_sees_every_change_once_in_order()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        var listed = new TaskCompletionSource();
        // Half the writes race the list, the other half the opening of the watch (its replay against live events).
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                if (i == 150)
                {
                    await listed.Task;
                }

                api.UpsertPod(FakePod.Create("load", $"p{i % 50}", "node-a").Label("i", $"{i}").Build());
            }
        });
        var list = await ListAsync(http, "api/v1/pods");
        listed.SetResult();
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?watch=true&resourceVersion={Rv(list)}");
        await writer;

        var seen = list["items"]!.AsArray().Count;
        var events = await watch.TakeAsync(300 - (int)long.Parse(Rv(list)) + 1);
        var versions = events.Select(e => long.Parse(Rv(e["object"]))).ToList();

        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(long.Parse(Rv(list)) + 1, versions[0]);
        Assert.Equal(api.CurrentResourceVersion, versions[^1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(50, seen + events.Count(e => (string?)e["type"] == "ADDED"));
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream_cleanly_after_that_time()
    {
        await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var http = Client(api.BaseUrl);
        var clock = Stopwatch.StartNew();

        // No allowWatchBookmarks: nothing happens, so nothing is sent, bookmarks included.
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?watch=true&resourceVersion={api.CurrentResourceVersion}&timeoutSeconds=1");
        var events = await watch.ToEndAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(events);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        await Eventually.TrueAsync(() => api.OpenWatchCount == 0, "the watch to be unregistered");
    }

    [Fact]
    public async Task Namespace_watches_see_namespace_changes_only()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/namespaces?watch=true&resourceVersion={api.CurrentResourceVersion}");

        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        api.UpsertNamespace("shop", new Dictionary<string, string> { ["team"] = "a" });
        api.DeleteNamespace("shop");
        var events = await watch.TakeAsync(2);

        Assert.Equal(["ADDED", "DELETED"], events.Select(e => (string)e["type"]!));
        Assert.All(events, e => Assert.Equal("Namespace", (string?)e["object"]!["kind"]));
        Assert.Equal("a", (string?)events[0]["object"]!["metadata"]!["labels"]!["team"]);
    }
}
