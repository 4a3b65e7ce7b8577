using System.Collections;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Delivery;
using NodeAgent.Hosting;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>
/// The delivery loop over the real client with a fake transport: retries with backoff, failover to the next URL,
/// item-level retries of only what the cluster could not take, 409 as delivered, refused items dead-lettered, and a
/// body too large (413) sent again in halves; every record acknowledged once answered for, never before.
/// </summary>
public sealed class BulkDeliveryTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly int[] FirstAnswer = [201, 409, 429, 400];
    private readonly TempDirectory _dir = new();
    private readonly AgentHealth _health = new(TimeProvider.System);
    private readonly BufferBudget _budget = new(64 << 20);
    private readonly List<BulkRequest> _complete = [];

    public void Dispose() => _dir.Dispose();

    /// <summary>Bodies built gzip-compressed (the default), unless a test says otherwise.</summary>
    private bool _compress = true;

    private (BulkDelivery Delivery, BulkBatcher Batcher, ElasticsearchStatistics Statistics) Loop(FakeBulkServer server, params string[] urls)
    {
        var compression = _compress ? "gzip" : "none";
        var arguments = urls.Select((u, i) => $"--Elasticsearch:Urls:{i}={u}").Concat([$"--Elasticsearch:Compression={compression}", $"--Logs:StatePath={_dir.Path}"]).ToArray();
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(), arguments);
        var options = AgentOptionsReader.Read(layers, errors, "node-a", "host").Options!.Elasticsearch;
        var client = new ElasticsearchClient(options, TimeProvider.System, TimeSpan.FromSeconds(5), server);
        var statistics = new ElasticsearchStatistics(client, TimeProvider.System);
        var batcher = new BulkBatcher(1 << 20, TimeSpan.FromSeconds(1), null, _complete.Add, compress: options.Gzip);
        var readiness = new ElasticsearchReadiness(client, _health, new InternalErrors(), TimeProvider.System, NullLogger.Instance);
        var refused = new RefusedDocuments(new DeadLetterFile(_dir.Path, TimeProvider.System), client.Target, statistics, TimeProvider.System, NullLogger.Instance);
        return (new BulkDelivery(client, batcher, refused, readiness, statistics, _budget, TimeProvider.System), batcher, statistics);
    }

    private BulkRequest Request(BulkBatcher batcher, AckWatermark acks, int lines, Func<int, string>? message = null)
    {
        var bytes = batcher.Add(TestBatches.Of(acks, 0, [.. Enumerable.Range(0, lines).Select(message ?? (i => $"line {i}"))]), Now, (_, _, reason) => Assert.Fail(reason));
        _budget.OutputHolds(bytes);
        batcher.Flush(Now, force: true);
        return Assert.Single(_complete);
    }

    private static async Task DeliverAsync(BulkDelivery delivery, BulkRequest request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await delivery.DeliverAsync(request, timeout.Token);
    }

    [Fact]
    public async Task A_failing_cluster_is_retried_with_backoff_until_it_answers_and_only_then_are_lines_acknowledged()
    {
        var server = new FakeBulkServer((n, call) => n <= 2
            ? FakeBulkServer.Json(HttpStatusCode.ServiceUnavailable, """{"error":{"type":"cluster_block_exception","reason":"blocked"}}""")
            : FakeBulkServer.Items(call, _ => 201));
        var (delivery, batcher, statistics) = Loop(server, "http://es-a:9200");
        var acks = new AckWatermark();

        await DeliverAsync(delivery, Request(batcher, acks, 3));

        Assert.Equal(3, server.Calls.Count);
        Assert.All(server.Calls, c => Assert.Equal(["line 0", "line 1", "line 2"], c.Messages));
        Assert.Equal(300, acks.Committed);
        Assert.Equal(3, statistics.DocumentCount("created"));
        Assert.Equal(0, _budget.HeldByOutput);
        Assert.Empty(_health.NotReadyReasons());
    }

    [Fact]
    public async Task A_url_that_does_not_answer_is_failed_over_to_the_next()
    {
        var server = new FakeBulkServer((_, call) => call.Host == "es-a"
            ? throw new HttpRequestException("Connection refused (es-a:9200)")
            : FakeBulkServer.Items(call, _ => 201));
        var (delivery, batcher, _) = Loop(server, "http://es-a:9200", "http://es-b:9200");
        var acks = new AckWatermark();

        await DeliverAsync(delivery, Request(batcher, acks, 2));

        Assert.Equal(["es-a", "es-b"], server.Calls.Select(c => c.Host));
        Assert.Equal(200, acks.Committed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_the_items_the_cluster_could_not_take_go_again_and_a_replay_counts_as_delivered(bool compress)
    {
        _compress = compress;
        // First answer: stored, replayed (409), busy (429), refused for good (400); then the busy one is stored.
        var server = new FakeBulkServer((n, call) => FakeBulkServer.Items(call, i => n == 1 ? FirstAnswer[i] : 201));
        var (delivery, batcher, statistics) = Loop(server, "http://es-a:9200");
        var acks = new AckWatermark();

        await DeliverAsync(delivery, Request(batcher, acks, 4));

        Assert.Equal(["line 2"], server.Calls.Last().Messages);
        Assert.Equal(400, acks.Committed);
        Assert.Equal(1, statistics.DocumentCount("duplicate"));
        Assert.Equal(1, statistics.DocumentCount("dead_lettered"));
        Assert.Contains("status 400", File.ReadAllText(Path.Combine(_dir.Path, DeadLetterFile.FileName)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_too_large_goes_again_in_halves_and_a_single_document_too_large_is_dead_lettered(bool compress)
    {
        _compress = compress;
        // The cluster takes at most two documents per request; line 3, of 70 KB, alone is refused as too large.
        var server = new FakeBulkServer((_, call) => call.Documents.Count > 2 || call.Messages.Any(m => m.StartsWith("line 3", StringComparison.Ordinal))
            ? FakeBulkServer.Json(HttpStatusCode.RequestEntityTooLarge, "")
            : FakeBulkServer.Items(call, _ => 201));
        var (delivery, batcher, statistics) = Loop(server, "http://es-a:9200");
        var acks = new AckWatermark();

        await DeliverAsync(delivery, Request(batcher, acks, 5, i => i == 3 ? "line 3 " + new string('x', 70_000) : $"line {i}"));

        // 5 → 2 + 3; the 3 → 1 + 2; the 2 holding line 3 → 1 + 1, and line 3 alone is refused.
        Assert.Equal([5, 2, 3, 1, 2, 1, 1], server.Calls.Select(c => c.Documents.Count));
        Assert.Equal(["line 0", "line 1", "line 2", "line 4"], server.Calls.Where(c => c.Documents.Count <= 2).SelectMany(c => c.Messages).Where(m => m.Length < 100).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(500, acks.Committed);
        Assert.Equal(4, statistics.DocumentCount("created"));
        Assert.Equal(1, statistics.DocumentCount("dead_lettered"));
        Assert.Contains("request_entity_too_large", File.ReadAllText(Path.Combine(_dir.Path, DeadLetterFile.FileName)), StringComparison.Ordinal);
        Assert.Equal(0, _budget.HeldByOutput);
    }

    [Fact]
    public async Task A_small_document_refused_as_too_large_is_sent_again_not_dead_lettered()
    {
        // A broken proxy answering 413 to everything must not empty the files into the dead-letter file.
        var server = new FakeBulkServer((_, _) => FakeBulkServer.Json(HttpStatusCode.RequestEntityTooLarge, ""));
        var (delivery, batcher, statistics) = Loop(server, "http://es-a:9200");
        var acks = new AckWatermark();
        var request = Request(batcher, acks, 2);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery.DeliverAsync(request, stop.Token));

        Assert.True(server.Calls.Count(c => c.Documents.Count == 1) >= 3, string.Join(",", server.Calls.Select(c => c.Documents.Count)));
        Assert.Equal(0, acks.Committed);
        Assert.False(File.Exists(Path.Combine(_dir.Path, DeadLetterFile.FileName)));
        Assert.Contains(_health.NotReadyReasons(), r => r.Contains("a proxy's limit?", StringComparison.Ordinal));
        Assert.Equal(0, statistics.DocumentCount("dead_lettered"));
    }

    [Fact]
    public async Task Retry_after_is_waited_for()
    {
        var server = new FakeBulkServer((n, call) =>
        {
            if (n > 1)
            {
                return FakeBulkServer.Items(call, _ => 201);
            }

            var busy = FakeBulkServer.Json(HttpStatusCode.TooManyRequests, """{"error":{"type":"es_rejected_execution_exception","reason":"busy"}}""");
            busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            return busy;
        });
        var (delivery, batcher, _) = Loop(server, "http://es-a:9200");
        var acks = new AckWatermark();

        await DeliverAsync(delivery, Request(batcher, acks, 1));

        var calls = server.Calls.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(1.9), $"sent again after {(calls[1].At - calls[0].At).TotalSeconds:0.00} s");
        Assert.Equal(100, acks.Committed);
    }

    [Fact]
    public async Task Nothing_is_acknowledged_while_the_cluster_answers_garbage()
    {
        var server = new FakeBulkServer((_, _) => FakeBulkServer.Json(HttpStatusCode.OK, "<html>proxy</html>"));
        var (delivery, batcher, _) = Loop(server, "http://es-a:9200");
        var acks = new AckWatermark();
        var request = Request(batcher, acks, 2);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery.DeliverAsync(request, stop.Token));

        Assert.True(server.Calls.Count >= 2, $"{server.Calls.Count} attempts");
        Assert.Equal(0, acks.Committed);
        Assert.Contains(_health.NotReadyReasons(), r => r.Contains("not a bulk response", StringComparison.Ordinal));
    }
}
