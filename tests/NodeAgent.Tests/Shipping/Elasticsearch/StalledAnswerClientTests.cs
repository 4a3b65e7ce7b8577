using System.Collections;
using System.Diagnostics;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.Hosting;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.TestSupport;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>
/// A server or proxy that sends an answer's headers and then stalls its body: the request timeout covers the whole
/// exchange, body included, for the bulk and the GET / request alike, so a stalled answer costs one timeout, is
/// reported like any unanswered request, and marks its URL failed; the caller's own cancellation still propagates.
/// Against the emulator's <see cref="OutageMode.StallBody"/> (a real Kestrel server on loopback).
/// </summary>
public sealed class StalledAnswerClientTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(500);

    // Far above the request timeout: reached only by a client that waits for the stalled body.
    private static readonly TimeSpan TestDeadline = TimeSpan.FromSeconds(15);

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(Ndjson(Create("1"), Doc("x")));

    internal static ElasticsearchOptions Options(params Uri[] urls)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(), [.. urls.Select((url, i) => $"--Elasticsearch:Urls:{i}={url}")]);
        return AgentOptionsReader.Read(layers, errors, "node-a", "host").Options!.Elasticsearch;
    }

    [Fact]
    public async Task A_bulk_answer_whose_body_stalls_is_given_up_after_the_request_timeout()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { Outage = OutageMode.StallBody };
        using var client = new ElasticsearchClient(Options(es.Url), TimeProvider.System, RequestTimeout);

        var started = Stopwatch.GetTimestamp();
        var exchange = await client.BulkAsync(Body, CancellationToken.None).WaitAsync(TestDeadline);

        Assert.Null(exchange.Status);
        Assert.Equal("no answer within 0.5 s (status 200 and headers came, the body did not end)", exchange.Failure);
        // The timer behind CancelAfter may fire a few milliseconds before the stopwatch says the timeout has passed.
        Assert.InRange(Stopwatch.GetElapsedTime(started), RequestTimeout - TimeSpan.FromMilliseconds(50), TestDeadline);
        Assert.Equal(1, es.Stats.StalledAnswers);
    }

    [Fact]
    public async Task A_GET_root_answer_whose_body_stalls_is_given_up_after_the_request_timeout()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { Outage = OutageMode.StallBody };
        using var client = new ElasticsearchClient(Options(es.Url), TimeProvider.System, RequestTimeout);

        var exchange = await client.InfoAsync(CancellationToken.None).WaitAsync(TestDeadline);

        Assert.Null(exchange.Status);
        Assert.StartsWith("no answer within 0.5 s", exchange.Failure, StringComparison.Ordinal);
        Assert.Equal(1, es.Stats.StalledAnswers);
    }

    [Fact]
    public async Task Headers_that_never_come_are_given_up_after_the_request_timeout()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { Latency = TimeSpan.FromHours(1) };
        using var client = new ElasticsearchClient(Options(es.Url), TimeProvider.System, RequestTimeout);

        var exchange = await client.BulkAsync(Body, CancellationToken.None).WaitAsync(TestDeadline);

        Assert.Null(exchange.Status);
        Assert.Equal("no answer within 0.5 s", exchange.Failure);
    }

    [Fact]
    public async Task The_callers_cancellation_during_a_stalled_body_propagates()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { Outage = OutageMode.StallBody };
        using var client = new ElasticsearchClient(Options(es.Url), TimeProvider.System, TimeSpan.FromMinutes(5));
        using var stopping = new CancellationTokenSource();

        var exchange = client.BulkAsync(Body, stopping.Token);
        await Eventually.TrueAsync(() => es.Stats.StalledAnswers > 0, "the answer stalled", TestDeadline);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exchange.WaitAsync(TestDeadline));
    }

    [Fact]
    public async Task A_URL_whose_answer_stalled_is_skipped_for_a_while()
    {
        await using var stalling = await ElasticsearchEmulator.StartAsync();
        await using var healthy = await ElasticsearchEmulator.StartAsync();
        stalling.Faults = new FaultSettings { Outage = OutageMode.StallBody };
        // The healthy server's first answer includes its own start-up work, which on a loaded machine took longer than
        // the short request timeout: it is warmed up first, so only the stall can fail a request.
        using (var warmUp = new ElasticsearchClient(Options(healthy.Url), TimeProvider.System, TestDeadline))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await warmUp.BulkAsync(Body, CancellationToken.None)).Status);
        }

        using var client = new ElasticsearchClient(Options(stalling.Url, healthy.Url), TimeProvider.System, RequestTimeout);

        var first = await client.BulkAsync(Body, CancellationToken.None).WaitAsync(TestDeadline);
        var second = await client.BulkAsync(Body, CancellationToken.None).WaitAsync(TestDeadline);
        var third = await client.BulkAsync(Body, CancellationToken.None).WaitAsync(TestDeadline);

        Assert.NotNull(first.Failure);
        Assert.Equal(stalling.Url.GetLeftPart(UriPartial.Authority), first.Url);
        // Round robin would send the third request to the first URL again; the stall marked it failed.
        Assert.All([second, third], e => Assert.Equal(healthy.Url.GetLeftPart(UriPartial.Authority), e.Url));
        Assert.All([second, third], e => Assert.Equal(System.Net.HttpStatusCode.OK, e.Status));
        Assert.Equal(1, stalling.Stats.StalledAnswers);
    }
}
