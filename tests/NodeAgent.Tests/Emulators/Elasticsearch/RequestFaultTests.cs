using System.Net;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class RequestFaultTests
{
    [Fact]
    public async Task An_unavailable_request_is_503_with_retry_after_and_stores_nothing()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { RequestUnavailableRatio = 1, RetryAfter = TimeSpan.FromSeconds(2.5) };
        using var http = Client(es.Url);

        using var response = await http.PostAsync(DataStream + "/_bulk", Content(Ndjson(Create("1"), Doc("x"))));
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter!.Delta);
        BulkFormatTests.AssertError(body, 503, "unavailable_shards_exception");
        Assert.Contains("primary shard is not active", body.GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, es.Count(DataStream));
        Assert.Equal(1, es.Stats.RequestsByStatus[503]);
    }

    [Fact]
    public async Task A_ratio_of_503_leaves_the_other_requests_answered()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Seed = 3 });
        es.Faults = new FaultSettings { RequestUnavailableRatio = 0.5 };
        using var http = Client(es.Url);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await BulkAsync(http, Ndjson(Create($"r{i}"), Doc("x")))).Status);
        }

        var unavailable = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        Assert.InRange(unavailable, 8, 32);
        Assert.Equal(40 - unavailable, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(40 - unavailable, es.Count(DataStream));
    }

    [Fact]
    public async Task A_rejected_request_is_429_es_rejected_execution_exception()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { RequestRejectionRatio = 1 };
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")));

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        BulkFormatTests.AssertError(body, 429, "es_rejected_execution_exception");
        Assert.Equal(0, es.Count(DataStream));
    }

    [Fact]
    public async Task Latency_delays_every_answer()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { Latency = TimeSpan.FromMilliseconds(300) };
        using var http = Client(es.Url);

        var started = System.Diagnostics.Stopwatch.StartNew();
        (await http.GetAsync("/")).EnsureSuccessStatusCode();

        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {started.Elapsed}");
    }

    [Fact]
    public async Task An_answer_delay_holds_the_answer_of_a_bulk_already_stored()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { AnswerDelay = TimeSpan.FromSeconds(2) };
        using var http = Client(es.Url);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = BulkAsync(http, Ndjson(Create("held"), Doc("x")));
        while (es.Count(DataStream) == 0 && started.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10);
        }

        var storedAfter = started.Elapsed;
        Assert.Equal(1, es.Count(DataStream));
        Assert.False(answer.IsCompleted, $"answered before the delay was over (stored after {storedAfter})");
        var (status, _) = await answer;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(1990), $"answered after {started.Elapsed}");
        Assert.True(storedAfter < TimeSpan.FromSeconds(1.5), $"stored only after {storedAfter}");
    }

    [Fact]
    public async Task Every_bulk_request_is_logged_with_when_it_came_what_it_got_and_which_body_it_was()
    {
        var start = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        var time = new Tests.TestSupport.ManualTime(start);
        await using var es = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Time = time });
        using var http = Client(es.Url);

        es.Faults = new FaultSettings { RequestRejectionRatio = 1, RetryAfter = TimeSpan.FromSeconds(2) };
        await BulkAsync(http, Ndjson(Create("a"), Doc("x"), Create("b"), Doc("y")));
        time.Advance(TimeSpan.FromSeconds(2.5));
        es.Faults = FaultSettings.None;
        await BulkAsync(http, Ndjson(Create("a"), Doc("x"), Create("b"), Doc("y")));
        using (await http.PostAsync(DataStream + "/_bulk", Content("{\"create\":\n"))) { }

        Assert.Equal(
        [
            new BulkRequestRecord(start, 429, 2, "a", "2"),
            new BulkRequestRecord(start + TimeSpan.FromSeconds(2.5), 200, 2, "a", null),
            new BulkRequestRecord(start + TimeSpan.FromSeconds(2.5), 400, 0, null, null),
        ], es.BulkRequests);
        es.Reset();
        Assert.Empty(es.BulkRequests);
    }
}
