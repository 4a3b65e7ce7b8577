using System.Globalization;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Issue 11, points 6 and 7, with the real agent process: no answer and no local failure ends a delivery worker
/// (the request is sent again until it is answered for), and a document the agent cannot encode is dead-lettered
/// alone while the lines around it are stored.
/// </summary>
public sealed class OutputResilienceTests
{
    private const string Target = "logs-kubernetes.container_logs-default";

    // ElasticsearchOutput.MaxInFlight: requests in flight at once.
    private const int ElasticsearchWorkers = 2;

    private static string LogPath(AgentConfig config) => Path.Combine(config.Root, "pods", "shop_web-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app", "0.log");

    internal static void Write(string path, int from, int count, Func<int, string>? timestamp = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        using var writer = new StreamWriter(stream);
        for (var i = from; i < from + count; i++)
        {
            var time = timestamp?.Invoke(i) ?? string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:{i / 60 % 60:00}:{i % 60:00}.{i:000000000}Z");
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{time} stdout F line {i:000000} of the test\n"));
        }
    }

    internal static List<string> Expected(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"line {i:000000} of the test"))];

    private static List<string> Messages(ElasticsearchEmulator emulator, string target) =>
        [.. emulator.Documents(target).Select(d => d.GetProperty("message").GetString()!).Order(StringComparer.Ordinal)];

    private static Task<int> WaitForCountAsync(ElasticsearchEmulator emulator, string target, int count, TimeSpan timeout) =>
        Eventually.ValueAsync(() => emulator.Count(target), n => n >= count, $"{count} documents stored in {target}", timeout);

    [Fact]
    public async Task Bulk_answers_with_string_statuses_do_not_end_delivery()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var log = LogPath(config);
        Write(log, 0, 200);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms");
        await WaitForCountAsync(emulator, Target, 200, TimeSpan.FromSeconds(30));

        // A broken proxy for a few seconds: the bulks are applied, their answers cannot be read.
        // Three unreadable answers: more than the two delivery workers, so a worker that ends on one is seen.
        var bulksBefore = emulator.Stats.BulkRequests;
        emulator.UpdateFaults(f => f with { Outage = OutageMode.StringStatuses });
        var written = 200;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (emulator.Stats.BulkRequests < bulksBefore + 3 && DateTime.UtcNow < deadline)
        {
            Write(log, written, 20);
            written += 20;
            await Task.Delay(300);
        }

        emulator.UpdateFaults(f => f with { Outage = OutageMode.None });
        Write(log, written, 200);
        written += 200;
        await WaitForCountAsync(emulator, Target, written, TimeSpan.FromSeconds(60));
        await Task.Delay(1000);

        Assert.Equal(Expected(0, written), Messages(emulator, Target));
        Assert.Contains(agent.Logs, l => l.Contains("not a bulk response", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answers_that_stall_after_their_headers_are_given_up_and_sent_again()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var log = LogPath(config);
        Write(log, 0, 100);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms");
        await WaitForCountAsync(emulator, Target, 100, TimeSpan.FromSeconds(30));

        // A proxy that forwards the headers and then stops: each delivery worker waits in a body that never ends,
        // until the request timeout (60 s, not configurable) gives up on it.
        emulator.UpdateFaults(f => f with { Outage = OutageMode.StallBody });
        var written = 100;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (emulator.Stats.StalledAnswers < ElasticsearchWorkers && DateTime.UtcNow < deadline)
        {
            Write(log, written, 20);
            written += 20;
            await Task.Delay(300);
        }

        // Both workers are stuck: nothing else is sent while lines keep coming.
        var bulks = emulator.Stats.BulkRequests;
        Write(log, written, 20);
        written += 20;
        await Task.Delay(3000);
        Assert.Equal(ElasticsearchWorkers, emulator.Stats.StalledAnswers);
        Assert.Equal(bulks, emulator.Stats.BulkRequests);

        emulator.UpdateFaults(f => f with { Outage = OutageMode.None });
        Write(log, written, 100);
        written += 100;
        await WaitForCountAsync(emulator, Target, written, TimeSpan.FromSeconds(120));
        await Task.Delay(1000);

        // The stalled bulks were applied before their answers stalled: sent again, they are 409s, never new copies.
        Assert.Equal(Expected(0, written), Messages(emulator, Target));
        Assert.Equal(written, emulator.Stats.ItemsCreated);
        Assert.Equal(0, emulator.Stats.ItemsUpdated);
        Assert.Contains(agent.Logs, l => l.Contains("no answer within 60 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_file_missing_for_seconds_does_not_end_delivery()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Users = new Dictionary<string, string> { ["agent"] = "s3cret" } });
        var secret = Path.Combine(config.Root, "password");
        File.WriteAllText(secret, "s3cret\n");
        var log = LogPath(config);
        Write(log, 0, 100);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", "--Elasticsearch:Username=agent", $"--Elasticsearch:PasswordFile={secret}");
        await WaitForCountAsync(emulator, Target, 100, TimeSpan.FromSeconds(30));

        // A Secret being re-projected: the file is gone for four seconds while lines keep coming.
        File.Delete(secret);
        Write(log, 100, 100);
        await Task.Delay(4000);
        File.WriteAllText(secret, "s3cret\n");
        Write(log, 200, 100);
        await WaitForCountAsync(emulator, Target, 300, TimeSpan.FromSeconds(60));
        await Task.Delay(1000);

        Assert.Equal(Expected(0, 300), Messages(emulator, Target));
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains(agent.Logs, l => l.Contains("cannot read Elasticsearch:PasswordFile", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_line_whose_date_names_no_index_is_dead_lettered_alone()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var log = LogPath(config);
        // Line 50 claims year 0000: no index name can be made of its date.
        Write(log, 0, 100, i => i == 50 ? "0000-01-01T00:00:00.000000000Z" : string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:00:00.{i:000000000}Z"));
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", "--Elasticsearch:Index=app-%{+yyyy.MM.dd}");
        await WaitForCountAsync(emulator, "app-2026.11.28", 99, TimeSpan.FromSeconds(30));
        Write(log, 100, 50, i => string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:00:00.{i:000000000}Z"));
        await WaitForCountAsync(emulator, "app-2026.11.28", 149, TimeSpan.FromSeconds(30));
        await Task.Delay(1000);

        Assert.Equal(Expected(0, 150).Where(m => m != "line 000050 of the test"), Messages(emulator, "app-2026.11.28"));
        var deadLetters = File.ReadAllLines(Path.Combine(config.Root, "state", "dead-letter.ndjson"));
        using var entry = JsonDocument.Parse(Assert.Single(deadLetters));
        Assert.Equal("encoding_failed", entry.RootElement.GetProperty("error_type").GetString());
        Assert.Equal("line 000050 of the test", entry.RootElement.GetProperty("document").GetProperty("message").GetString());
        Assert.Equal(0, emulator.Stats.RequestsByStatus.GetValueOrDefault(400));
        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_elasticsearch_dead_letters_total{reason=\"encoding_failed\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_buffered_bytes 0", metrics, StringComparison.Ordinal);
    }
}
