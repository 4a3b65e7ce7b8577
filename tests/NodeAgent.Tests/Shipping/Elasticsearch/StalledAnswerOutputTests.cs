using System.Collections;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.Hosting;
using NodeAgent.Metrics;
using NodeAgent.Parsing;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tailing;
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
    private readonly Acknowledgements _acknowledgements = new();
    private readonly AgentHealth _health = new(TimeProvider.System);

    public void Dispose() => _dir.Dispose();

    private ElasticsearchOutput Output(ElasticsearchEmulator es)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(),
            [$"--Elasticsearch:Urls:0={es.Url}", $"--Logs:StatePath={_dir.Path}", "--Elasticsearch:FlushInterval=100ms"]);
        var options = AgentOptionsReader.Read(layers, errors, "node-a", "host").Options!;
        var client = new ElasticsearchClient(options.Elasticsearch, TimeProvider.System, RequestTimeout);
        return new ElasticsearchOutput(options, client, _acknowledgements, new ElasticsearchStatistics(client, TimeProvider.System), new BufferBudget(16 << 20),
            new InternalErrors(), _health, TimeProvider.System, NullLogger<ElasticsearchOutput>.Instance);
    }

    private static LogBatch Batch(FileTail tail, int from, int count) =>
        new(tail, [.. Enumerable.Range(from, count).Select(i =>
            new LogRecord($"2026-11-28T10:15:00.{i:000000000}Z", LogStream.Stdout, Encoding.UTF8.GetBytes($"line {i}"), i * 10L, i * 10L + 10, LogFlags.None))]);

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
        await Eventually.TrueAsync(() => _acknowledgements.Count == 20, "every record acknowledged", TestDeadline);
        await output.StopAsync(CancellationToken.None);

        Assert.Equal(Expected(20), Messages(es));
        Assert.Equal(20, es.Stats.ItemsCreated);
        Assert.Equal(0, es.Stats.ItemsUpdated);
        Assert.Empty(_health.NotReadyReasons());
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
        await Eventually.TrueAsync(() => _acknowledgements.Count == 10, "every record acknowledged", TestDeadline);
        await output.StopAsync(CancellationToken.None);

        Assert.Equal(Expected(10), Messages(es));
        Assert.Equal(10, es.Stats.ItemsCreated);
        Assert.Empty(_health.NotReadyReasons());
    }
}
