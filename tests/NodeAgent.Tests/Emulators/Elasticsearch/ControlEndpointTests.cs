using System.Net;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class ControlEndpointTests
{
    [Fact]
    public async Task Stats_report_requests_by_status_items_by_result_and_bytes()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        await BulkAsync(http, Ndjson(Create("1"), Doc("a"), Create("1"), Doc("a")));
        await http.GetAsync("missing/_count");

        var stats = await JsonAsync(await http.GetAsync("_emulator/stats"));

        Assert.Equal(2, stats.GetProperty("requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("bulk_requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("requests_by_status").GetProperty("200").GetInt64());
        Assert.Equal(1, stats.GetProperty("requests_by_status").GetProperty("404").GetInt64());
        Assert.Equal(1, stats.GetProperty("items").GetProperty("created").GetInt64());
        Assert.Equal(1, stats.GetProperty("items").GetProperty("conflict").GetInt64());
        Assert.True(stats.GetProperty("bytes_received").GetInt64() > 0);
        Assert.Equal(1, stats.GetProperty("documents").GetInt64());
        Assert.Equal(1, stats.GetProperty("targets").GetProperty(DataStream).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Faults_posted_as_json_merge_into_the_current_ones_and_unknown_ones_are_refused()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        using var first = await http.PostAsync("_emulator/faults", Json("""{"item_rejection_ratio":0.25,"retry_after_seconds":1}"""));
        using var second = await http.PostAsync("_emulator/faults", Json("""{"latency_ms":5,"outage":"unavailable","drop_after_storing_ratio":0.5,"answer_delay_ms":250}"""));
        using var typo = await http.PostAsync("_emulator/faults", Json("""{"drop_rate":0.5}"""));
        var current = await JsonAsync(await http.GetAsync("_emulator/faults"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(new FaultSettings
        {
            ItemRejectionRatio = 0.25,
            RetryAfter = TimeSpan.FromSeconds(1),
            Latency = TimeSpan.FromMilliseconds(5),
            Outage = OutageMode.Unavailable,
            DropAfterStoringRatio = 0.5,
            AnswerDelay = TimeSpan.FromMilliseconds(250),
        }, es.Faults);
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Equal("unavailable", current.GetProperty("outage").GetString());
        Assert.Equal(0.25, current.GetProperty("item_rejection_ratio").GetDouble());
        Assert.Equal(0.5, current.GetProperty("drop_after_storing_ratio").GetDouble());
        Assert.Equal(250, current.GetProperty("answer_delay_ms").GetDouble());
    }

    [Fact]
    public async Task Documents_come_back_as_ndjson_and_reset_empties_everything()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        await BulkAsync(http, Ndjson(Create("a"), Doc("one"), Create("b"), Doc("two")));

        var lines = (await http.GetStringAsync($"_emulator/documents/{DataStream}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var reset = await http.PostAsync("_emulator/reset", null);

        Assert.Equal(2, lines.Length);
        Assert.Contains("\"_id\":\"a\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"message\":\"two\"", lines[1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.False(es.Exists(DataStream));
        Assert.Equal(0, es.Stats.BulkRequests);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
