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
}
