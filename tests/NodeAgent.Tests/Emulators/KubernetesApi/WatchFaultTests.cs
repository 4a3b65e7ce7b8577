using NodeAgent.KubernetesApiEmulation;
using NodeAgent.TestSupport;
using static NodeAgent.Tests.Emulators.KubernetesApi.KubeHttp;

namespace NodeAgent.Tests.Emulators.KubernetesApi;

public sealed class WatchFaultTests
{
    private static readonly FakeKubernetesApiOptions FastBookmarks = new() { BookmarkInterval = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Bookmarks_carry_the_current_resourceVersion_when_asked_for()
    {
        await using var api = await FakeKubernetesApi.StartAsync(FastBookmarks);
        api.UpsertPod(FakePod.Create("shop", "db-0", "node-b").Build());
        using var http = Client(api.BaseUrl);
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?fieldSelector={NodeA}&watch=true&allowWatchBookmarks=true&resourceVersion={api.CurrentResourceVersion}");

        var first = await watch.NextAsync();
        // A change this watch filters out still moves the revision its bookmarks announce.
        var unseen = api.UpsertPod(FakePod.Create("shop", "db-0", "node-b").Label("v", "2").Build());
        var second = await watch.NextAsync();

        Assert.Equal("BOOKMARK", (string?)first!["type"]);
        Assert.Equal("Pod", (string?)first["object"]!["kind"]);
        Assert.Equal("BOOKMARK", (string?)second!["type"]);
        Assert.Equal(unseen, Rv(second["object"]));
        Assert.True(long.Parse(Rv(first["object"])) < long.Parse(unseen));
    }

    [Fact]
    public async Task Namespace_bookmarks_are_of_kind_Namespace()
    {
        await using var api = await FakeKubernetesApi.StartAsync(FastBookmarks);
        using var http = Client(api.BaseUrl);
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/namespaces?watch=true&allowWatchBookmarks=true&resourceVersion={api.CurrentResourceVersion}");

        var bookmark = await watch.NextAsync();

        Assert.Equal("BOOKMARK", (string?)bookmark!["type"]);
        Assert.Equal("Namespace", (string?)bookmark["object"]!["kind"]);
        Assert.Equal(api.CurrentResourceVersion, Rv(bookmark["object"]));
    }

    [Fact]
    public async Task After_Compact_a_watch_from_an_older_resourceVersion_gets_one_410_ERROR_event_then_the_end()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        var listed = Rv(await ListAsync(http, "api/v1/pods"));
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        api.Compact();

        using var stale = await WatchStream.OpenAsync(http, $"api/v1/pods?watch=true&resourceVersion={listed}");
        var events = await stale.ToEndAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(System.Net.HttpStatusCode.OK, stale.Response.StatusCode);
        var error = Assert.Single(events);
        Assert.Equal("ERROR", (string?)error["type"]);
        var status = error["object"]!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("Expired", (string?)status["reason"]);
        Assert.Equal(410, (int)status["code"]!);
        Assert.Equal($"too old resource version: {listed} ({api.CurrentResourceVersion})", (string?)status["message"]);

        // From the compaction point on, watching works again.
        using var fresh = await WatchStream.OpenAsync(http, $"api/v1/pods?watch=true&resourceVersion={api.CurrentResourceVersion}");
        api.DeletePod("shop", "web-1");
        Assert.Equal("DELETED", (string?)(await fresh.NextAsync())!["type"]);
    }

    [Fact]
    public async Task DropWatches_cuts_the_stream_so_the_read_fails_instead_of_ending()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        using var http = Client(api.BaseUrl);
        using var watch = await WatchStream.OpenAsync(http, "api/v1/pods?watch=true");
        Assert.Equal("ADDED", (string?)(await watch.NextAsync())!["type"]);
        await Eventually.TrueAsync(() => api.OpenWatchCount == 1, "the watch to be registered");

        api.DropWatches();

        await Assert.ThrowsAnyAsync<IOException>(() => watch.NextAsync());
        await Eventually.TrueAsync(() => api.OpenWatchCount == 0, "the dropped watch to be unregistered");
        Assert.Single(Names(await ListAsync(http, "api/v1/pods")));
    }

    [Fact]
    public async Task HoldWatches_keeps_a_new_watch_unanswered_until_released_and_lists_served_meanwhile()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        var listed = Rv(await ListAsync(http, "api/v1/pods"));
        Task<WatchStream> opening;
        using (api.HoldWatches())
        {
            opening = WatchStream.OpenAsync(http, $"api/v1/pods?watch=true&resourceVersion={listed}");
            await api.WaitForRequestAsync(r => r.IsWatch, TimeSpan.FromSeconds(10));
            api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
            api.Compact();
            Assert.Single(Names(await ListAsync(http, "api/v1/pods")));
            await Task.Delay(200);
            Assert.False(opening.IsCompleted);
        }

        // Released after the compaction: the watch from before it expires, though it was asked for before.
        using var watch = await opening;
        var events = await watch.ToEndAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(410, (int)Assert.Single(events)["object"]!["code"]!);
    }
}
