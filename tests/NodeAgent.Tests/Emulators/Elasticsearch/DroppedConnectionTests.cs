using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class DroppedConnectionTests
{
    [Fact]
    public async Task A_dropped_request_may_or_may_not_have_been_stored_and_a_replay_tells_which()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Seed = 11 });
        es.Faults = new FaultSettings { DropRatio = 1 };
        using var http = Client(es.Url);

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(DataStream + "/_bulk", Content(Ndjson(Create($"d{i}"), Doc("x")))));
        }

        var stored = es.Count(DataStream);
        Assert.Equal(20, es.Stats.DroppedConnections);
        Assert.Equal(stored, es.Stats.DroppedAfterStoring);
        Assert.InRange(stored, 1, 19);

        // The agent's answer to a lost response: send the same ids again; 409 means it was stored after all.
        es.Faults = FaultSettings.None;
        var replay = Ndjson(Enumerable.Range(0, 20).SelectMany(i => new[] { Create($"d{i}"), Doc("x") }).ToArray());
        var (_, body) = await BulkAsync(http, replay);
        var statuses = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("create").GetProperty("status").GetInt32()).ToList();
        Assert.Equal(stored, statuses.Count(s => s == 409));
        Assert.Equal(20 - stored, statuses.Count(s => s == 201));
        Assert.Equal(20, es.Count(DataStream));
    }

    [Fact]
    public async Task A_request_dropped_after_storing_was_stored_in_full_and_a_replay_gets_409_for_every_item()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { DropAfterStoringRatio = 1 };
        using var http = Client(es.Url);
        var bulk = Ndjson(Enumerable.Range(0, 5).SelectMany(i => new[] { Create($"s{i}"), Doc($"m{i}") }).ToArray());

        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(DataStream + "/_bulk", Content(bulk)));

        Assert.Equal(5, es.Count(DataStream));
        Assert.Equal(1, es.Stats.DroppedConnections);
        Assert.Equal(1, es.Stats.DroppedAfterStoring);
        var logged = Assert.Single(es.BulkRequests);
        Assert.Equal((0, 5, "s0"), (logged.Status, logged.Items, logged.FirstId));

        es.Faults = FaultSettings.None;
        var (_, body) = await BulkAsync(http, bulk);
        Assert.All(body.GetProperty("items").EnumerateArray(), i => Assert.Equal(409, i.GetProperty("create").GetProperty("status").GetInt32()));
        Assert.Equal(5, es.Stats.ItemsConflict);
        Assert.Equal(5, es.Stats.ItemsCreated);
    }
}
