using System.Collections;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Delivery;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.Hosting;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tailing;
using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>
/// The whole output against answers that stall after their headers: both delivery workers (or, at start, the GET /
/// request) are stuck in a body that never ends until the request timeout gives up on it; the request is then sent
/// again, and once the server answers whole every record is acknowledged and stored once (the stalled bulks were
/// applied: their replays are 409s).
/// </summary>
public sealed class StalledAnswerOutputTests : IDisposable
{
    private const string Target = "logs-kubernetes.container_logs-default";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TestDeadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new();
    private readonly AckWatermark _acks = new();
    private readonly AgentHealth _health = new(TimeProvider.System);
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private ElasticsearchStatistics? _statistics;

    public void Dispose() => _dir.Dispose();

    private ElasticsearchOutput Output(ElasticsearchEmulator es)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(),
            [$"--Elasticsearch:Urls:0={es.Url}", $"--Logs:StatePath={_dir.Path}", "--Elasticsearch:FlushInterval=100ms"]);
        var options = AgentOptionsReader.Read(layers, errors, "node-a", "host").Options!;
        var client = new ElasticsearchClient(options.Elasticsearch, TimeProvider.System, RequestTimeout);
        _statistics = new ElasticsearchStatistics(client, TimeProvider.System);
        return new ElasticsearchOutput(options.Elasticsearch, new DeadLetterFile(_dir.Path, TimeProvider.System), client, _statistics, new BufferBudget(16 << 20),
            new InternalErrors(), _health, TimeProvider.System, NullLogger<ElasticsearchOutput>.Instance);
    }

    /// <summary>Records <paramref name="from"/>..<paramref name="count"/> of the tail's file, registered with the
    /// watermark as the reading loop does, so it tells when every one is acknowledged.</summary>
    private LogBatch Batch(FileTail tail, int from, int count)
    {
        var records = Enumerable.Range(from, count).Select(i =>
            new LogRecord($"2026-11-28T10:15:00.{i:000000000}Z", LogStream.Stdout, Encoding.UTF8.GetBytes($"line {i}"), i * 10L, i * 10L + 10, LogFlags.None)).ToList();
        foreach (var record in records)
        {
            _acks.Register(record.StartOffset, record.EndOffset);
        }

        _acks.Reading(null, (from + count) * 10L);
        return new LogBatch(tail.IdKey, tail.Fields.Context, records, _acks);
    }

    private static List<string> Messages(ElasticsearchEmulator es) =>
        [.. es.Documents(Target).Select(d => d.GetProperty("message").GetString()!).Order(StringComparer.Ordinal)];

    private static List<string> Expected(int count) => [.. Enumerable.Range(0, count).Select(i => $"line {i}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Both_workers_stuck_in_stalled_bodies_send_again_and_every_record_is_stored_once()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var tail = TestTail.Open(_dir);
        using var output = Output(es);
        await output.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _health.NotReadyReasons().Count == 0, "connected", TestDeadline);

        // One bulk per worker, each stuck in its answer's body.
        es.Faults = new FaultSettings { Outage = OutageMode.StallBody };
        await output.SendAsync(Batch(tail, 0, 10), CancellationToken.None);
        await Eventually.TrueAsync(() => es.Stats.StalledAnswers >= 1, "the first bulk's answer stalled", TestDeadline);
        await output.SendAsync(Batch(tail, 10, 10), CancellationToken.None);
        await Eventually.TrueAsync(() => es.Stats.StalledAnswers >= 2, "the second bulk's answer stalled", TestDeadline);
        await Eventually.TrueAsync(() => _health.NotReadyReasons().Any(r => r.Contains("no answer within 1 s", StringComparison.Ordinal)), "the stall reported", TestDeadline);

        es.Faults = FaultSettings.None;
        await Eventually.TrueAsync(() => _acks.Committed == 200, "every record acknowledged", TestDeadline);
        await output.StopAsync(CancellationToken.None);

        Assert.Equal(Expected(20), Messages(es));
        Assert.Equal(20, es.Stats.ItemsCreated);
        Assert.Equal(0, es.Stats.ItemsUpdated);
        Assert.Empty(_health.NotReadyReasons());
        AssertTheOutputsAccountMatchesTheClusters(es);
    }

    /// <summary>
    /// The output's families against the emulator's own counters: what it sent (bytes on the wire and decompressed),
    /// each bulk request answered whole or not (a stalled answer is no answer), each document created or found
    /// already stored (the stalled bulks were applied: their replays are 409s), nothing left queued.
    /// </summary>
    private void AssertTheOutputsAccountMatchesTheClusters(ElasticsearchEmulator es)
    {
        var metrics = AgentMetricsText.Of(_statistics!);
        var stats = es.Stats;
        var answered = stats.BulkRequests - stats.StalledAnswers;
        Assert.True(stats.StalledAnswers > 0 && answered > 0, $"{stats.StalledAnswers} stalled, {answered} answered");
        Assert.Contains($"nodeagent_elasticsearch_requests_total{{status=\"200\"}} {answered}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_elasticsearch_requests_total{{status=\"error\"}} {stats.StalledAnswers}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_elasticsearch_request_duration_seconds_count {stats.BulkRequests}\n", metrics, StringComparison.Ordinal);
        // Each stalled request waited out the request timeout.
        Assert.InRange(MetricText.Value(metrics, "nodeagent_elasticsearch_request_duration_seconds_sum") ?? 0, stats.StalledAnswers * RequestTimeout.TotalSeconds, 60);
        Assert.Contains($"nodeagent_elasticsearch_request_duration_seconds_bucket{{le=\"+Inf\"}} {stats.BulkRequests}\n", metrics, StringComparison.Ordinal);
        // All 20 were stored by the stalled bulks, whose answers the output never read.
        Assert.Equal(20, stats.ItemsConflict);
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"created\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"duplicate\"} 20\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_elasticsearch_sent_bytes_total {stats.BytesDecompressed}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_elasticsearch_sent_compressed_bytes_total {stats.BytesReceived}\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_elasticsearch_queue_bytes 0\n", metrics, StringComparison.Ordinal);
        Assert.InRange(MetricText.Value(metrics, "nodeagent_elasticsearch_last_success_timestamp_seconds") ?? 0, _started.ToUnixTimeMilliseconds() / 1000.0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
    }

    [Fact]
    public async Task A_stalled_answer_to_GET_root_is_asked_again_and_the_output_connects()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { Outage = OutageMode.StallBody };
        using var tail = TestTail.Open(_dir);
        using var output = Output(es);
        await output.StartAsync(CancellationToken.None);
        await output.SendAsync(Batch(tail, 0, 10), CancellationToken.None);
        await Eventually.TrueAsync(() => es.Stats.StalledAnswers >= 1, "GET / stalled", TestDeadline);
        await Eventually.TrueAsync(() => _health.NotReadyReasons().Any(r => r.Contains("no answer within 1 s", StringComparison.Ordinal)), "the stall reported", TestDeadline);

        es.Faults = FaultSettings.None;
        await Eventually.TrueAsync(() => _acks.Committed == 100, "every record acknowledged", TestDeadline);
        await output.StopAsync(CancellationToken.None);

        Assert.Equal(Expected(10), Messages(es));
        Assert.Equal(10, es.Stats.ItemsCreated);
        Assert.Empty(_health.NotReadyReasons());
        // GET / stalled, not a bulk request: the one bulk was answered at once.
        var metrics = AgentMetricsText.Of(_statistics!);
        Assert.Contains("nodeagent_elasticsearch_requests_total{status=\"200\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Empty(MetricText.Series(metrics, "nodeagent_elasticsearch_requests_total{status=\"error\"}"));
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"created\"} 10\n", metrics, StringComparison.Ordinal);
    }
}
