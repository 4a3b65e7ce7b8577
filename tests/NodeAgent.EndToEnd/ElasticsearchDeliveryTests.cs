using System.Globalization;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using static NodeAgent.EndToEnd.Support.NumberedLines;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// The real agent ships to the Elasticsearch emulator (issue 5, point 6): with item rejections and failing requests
/// the emulator ends up holding exactly one document per line written, with its fields; a document Elasticsearch
/// refuses is dead-lettered alone. Kill -9, 429 with Retry-After and answers lost after storing: ExactlyOnceTests.
/// </summary>
public sealed class ElasticsearchDeliveryTests
{
    private static Task<AgentProcess> StartAsync(AgentConfig config, ElasticsearchEmulator emulator) =>
        config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms");

    private static Task<int> WaitForCountAsync(ElasticsearchEmulator emulator, int count, TimeSpan timeout) =>
        Eventually.ValueAsync(() => emulator.Count(Target), n => n >= count, $"{count} documents stored", timeout);

    private static Task<AgentProcess> StartAsync(AgentConfig config, ElasticsearchUnderTest cluster) =>
        config.StartAgentAsync([$"--Logs:Include:0={config.Root}/pods/*/*/*.log", "--Elasticsearch:FlushInterval=200ms", .. cluster.AgentArguments()]);

    private static async Task<List<string>> WaitForMessagesAsync(ElasticsearchUnderTest cluster, int count, TimeSpan timeout)
    {
        await Eventually.ValueAsync(cluster.CountAsync, n => n >= count, $"{count} documents stored", timeout);

        // Anything stored twice would show up in this time.
        await Task.Delay(1000);
        return [.. (await cluster.DocumentsAsync()).Select(d => d.GetProperty("message").GetString()!).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Every_line_is_stored_once_with_its_fields()
    {
        using var config = new AgentConfig();
        await using var cluster = await ElasticsearchUnderTest.StartAsync();
        Write(LogPath(config), 0, 300);
        await using var agent = await StartAsync(config, cluster);

        Assert.Equal(Expected(300), await WaitForMessagesAsync(cluster, 300, TimeSpan.FromSeconds(30)));
        var first = (await cluster.DocumentsAsync()).Single(d => d.GetProperty("message").GetString() == "line 000001 of the test");
        Assert.Equal("2026-11-28T10:00:01.000000001Z", first.GetProperty("@timestamp").GetString());
        Assert.Equal("stdout", first.GetProperty("stream").GetString());
        Assert.Equal("shop", first.GetProperty("kubernetes").GetProperty("namespace").GetString());
        Assert.Equal("web-0", first.GetProperty("kubernetes").GetProperty("pod").GetProperty("name").GetString());
        Assert.Equal("app", first.GetProperty("kubernetes").GetProperty("container").GetProperty("name").GetString());
        Assert.True(cluster.Emulator?.IsDataStream(Target) ?? true);

        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"created\"} 300", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE nodeagent_elasticsearch_request_duration_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_elasticsearch_request_duration_seconds_bucket{le=\"+Inf\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_items_and_failing_requests_lose_nothing_and_store_nothing_twice()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        emulator.UpdateFaults(f => f with { ItemRejectionRatio = 0.3, RequestUnavailableRatio = 0.1 });
        var live = LogPath(config);
        Write(live, 0, 1000);
        await using var agent = await StartAsync(config, emulator);
        await Task.Delay(300);
        // kubelet's rotation while lines are being written and shipped.
        File.Move(live, live + ".20261128-101500");
        Write(live, 1000, 1000);

        await WaitForCountAsync(emulator, 2000, TimeSpan.FromSeconds(60));
        await Task.Delay(1000);

        Assert.Equal(Expected(2000), Messages(emulator));
        AssertFields(emulator.Documents(Target));
        // The agent's account matches the cluster's own: each line created once, each item the cluster rejected sent
        // again, each request it refused counted. (The store is keyed by id, so counting its distinct ids proves nothing.)
        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"created\"} 2000\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"duplicate\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_elasticsearch_documents_total{{result=\"retried\"}} {emulator.Stats.ItemsRejected}\n", metrics, StringComparison.Ordinal);
        // The 503s are drawn at random (10% of requests): a run may draw none, and then the agent has no such series.
        var unavailable = emulator.Stats.RequestsByStatus.GetValueOrDefault(503);
        var counted = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("nodeagent_elasticsearch_requests_total{status=\"503\"} ", StringComparison.Ordinal));
        Assert.Equal(unavailable, counted is null ? 0 : long.Parse(counted[(counted.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_document_the_cluster_refuses_is_dead_lettered_alone()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        emulator.UpdateFaults(f => f with { MappingError = MappingErrorRule.WhenFieldContains("message", "poison") });
        Write(LogPath(config), 0, 50, i => i == 20 ? "poison pill" : string.Create(CultureInfo.InvariantCulture, $"line {i:000000} of the test"));
        await using var agent = await StartAsync(config, emulator);

        await WaitForCountAsync(emulator, 49, TimeSpan.FromSeconds(30));
        var deadLetters = Path.Combine(config.Root, "state", "dead-letter.ndjson");
        await Eventually.TrueAsync(() => File.Exists(deadLetters), "the dead-letter file written");

        Assert.Equal(49, emulator.Count(Target));
        var letter = JsonDocument.Parse(Assert.Single(File.ReadAllLines(deadLetters))).RootElement;
        Assert.Equal(400, letter.GetProperty("status").GetInt32());
        Assert.Equal("poison pill", letter.GetProperty("document").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_document_refused_for_its_parsed_json_fields_is_stored_without_them_not_dead_lettered()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        // json.status is mapped as a number by the first document; a string in another is a mapping conflict.
        emulator.UpdateFaults(f => f with
        {
            MappingError = new MappingErrorRule("json.status", d =>
                d.TryGetProperty("json", out var json) && json.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String),
        });
        Write(LogPath(config), 0, 30, i => i == 10
            ? "{\"status\":\"degraded\",\"msg\":\"line 000010 of the test\"}"
            : string.Create(CultureInfo.InvariantCulture, $"{{\"status\":{200 + i},\"msg\":\"line {i:000000} of the test\"}}"));
        await using var agent = await config.StartAgentAsync(
            $"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms", "--Logs:ParseJson=true");

        await WaitForCountAsync(emulator, 30, TimeSpan.FromSeconds(30));

        var documents = emulator.Documents(Target).ToList();
        Assert.Equal(30, documents.Count);
        var refused = Assert.Single(documents, d => !d.TryGetProperty("json", out _));
        Assert.StartsWith("{\"status\":\"degraded\"", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("document_parsing_exception", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.All(documents.Where(d => d.TryGetProperty("json", out _)), d => Assert.Equal(JsonValueKind.Number, d.GetProperty("json").GetProperty("status").ValueKind));
        Assert.False(File.Exists(Path.Combine(config.Root, "state", "dead-letter.ndjson")));
        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_elasticsearch_documents_total{result=\"json_refused\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_down_for_a_minute_mid_run_loses_nothing_and_readyz_says_why()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var live = LogPath(config);
        Write(live, 0, 500);
        await using var agent = await StartAsync(config, emulator);
        await WaitForCountAsync(emulator, 500, TimeSpan.FromSeconds(30));

        emulator.UpdateFaults(f => f with { Outage = OutageMode.ResetConnections });
        Write(live, 500, 500);
        File.Move(live, live + ".20261128-101500");
        Write(live, 1000, 500);
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? notReady = null;
        while (DateTime.UtcNow < deadline)
        {
            using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (ready.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                notReady ??= await ready.Content.ReadAsStringAsync();
            }

            await Task.Delay(1000);
        }

        Assert.Equal(500, emulator.Count(Target));
        emulator.UpdateFaults(f => f with { Outage = OutageMode.None });
        await WaitForCountAsync(emulator, 1500, TimeSpan.FromSeconds(60));
        await Task.Delay(1000);

        Assert.Equal(Expected(1500), Messages(emulator));
        AssertFields(emulator.Documents(Target));
        Assert.NotNull(notReady);
        Assert.Contains("cannot reach", notReady, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_credentials_are_named_on_readyz_and_the_password_is_never_shown()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Users = new Dictionary<string, string> { ["shipper"] = "right-password" } });
        Write(LogPath(config), 0, 10);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:Username=shipper", "--Elasticsearch:Password=wrong-password");
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var body = "";
        while (DateTime.UtcNow < deadline && !body.Contains("rejected the credentials", StringComparison.Ordinal))
        {
            using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            // The reasons as text (the JSON escapes quotes).
            body = string.Join("\n", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            await Task.Delay(200);
        }

        Assert.Contains("rejected the credentials of user 'shipper' (401)", body, StringComparison.Ordinal);
        Assert.Equal(0, emulator.Count(Target));
        Assert.DoesNotContain(agent.Logs, l => l.Contains("wrong-password", StringComparison.Ordinal));
        Assert.Contains(agent.Logs, l => l.Contains("rejected the credentials of user 'shipper'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Over_tls_the_cluster_is_trusted_through_the_ca_file_only()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Tls = true });
        var caFile = Path.Combine(config.Root, "http_ca.crt");
        await File.WriteAllTextAsync(caFile, emulator.CertificatePem);
        Write(LogPath(config), 0, 20);

        // Without the CA the certificate is refused, and /readyz says so.
        await using (var untrusting = await StartAsync(config, emulator))
        {
            using var http = new HttpClient { BaseAddress = config.BaseAddress };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            var reasons = "";
            while (DateTime.UtcNow < deadline && !reasons.Contains("cannot reach", StringComparison.Ordinal))
            {
                using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
                reasons = await ready.Content.ReadAsStringAsync();
                await Task.Delay(200);
            }

            Assert.Contains("cannot reach", reasons, StringComparison.Ordinal);
            Assert.Equal(0, emulator.Count(Target));
            untrusting.Signal(AgentProcess.SigTerm);
            await untrusting.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }

        await using var trusting = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", $"--Elasticsearch:CaFile={caFile}");
        await WaitForCountAsync(emulator, 20, TimeSpan.FromSeconds(30));

        Assert.Equal(Expected(20), Messages(emulator));
    }

    [Fact]
    public async Task A_rotated_password_file_is_used_without_a_restart()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Users = new Dictionary<string, string> { ["shipper"] = "second-password" } });
        var passwordFile = Path.Combine(config.Root, "password");
        await File.WriteAllTextAsync(passwordFile, "first-password\n");
        Write(LogPath(config), 0, 30);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", "--Elasticsearch:Username=shipper", $"--Elasticsearch:PasswordFile={passwordFile}");
        await Eventually.TrueAsync(() => agent.Logs.Any(l => l.Contains("rejected the credentials", StringComparison.Ordinal)), "the credentials rejected", TimeSpan.FromSeconds(20));

        Assert.Equal(0, emulator.Count(Target));
        // The Secret is updated (kubelet swaps the mounted file): the next attempt uses it.
        await File.WriteAllTextAsync(passwordFile, "second-password\n");
        await WaitForCountAsync(emulator, 30, TimeSpan.FromSeconds(60));

        Assert.Equal(Expected(30), Messages(emulator));
    }

    [Fact]
    public async Task Elasticsearch_index_sends_to_a_plain_index_instead_of_the_data_stream()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        Write(LogPath(config), 0, 40);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", "--Elasticsearch:Index=app-logs");
        await Eventually.ValueAsync(() => emulator.Count("app-logs"), n => n >= 40, "40 documents in app-logs", TimeSpan.FromSeconds(30));

        Assert.Equal(40, emulator.Count("app-logs"));
        Assert.False(emulator.IsDataStream("app-logs"));
        Assert.False(emulator.Exists(Target));
    }

    [Fact]
    public async Task A_dated_index_takes_each_document_s_own_day()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var path = LogPath(config);
        Write(path, 0, 10);
        File.AppendAllText(path, "2026-11-29T00:00:01.000000001Z stdout F after midnight\n");
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", "--Elasticsearch:Index=app-logs-%{+yyyy.MM.dd}");
        await Eventually.ValueAsync(() => emulator.Count("app-logs-2026.11.28") + emulator.Count("app-logs-2026.11.29"), n => n >= 11, "11 documents in the dated indices", TimeSpan.FromSeconds(30));

        Assert.Equal(10, emulator.Count("app-logs-2026.11.28"));
        Assert.Equal(1, emulator.Count("app-logs-2026.11.29"));
    }

    [Fact]
    public async Task With_one_url_down_documents_go_to_the_other_with_an_api_key()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { ApiKeys = new Dictionary<string, string> { ["key-id"] = "key-secret" } });
        var keyFile = Path.Combine(config.Root, "api-key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("key-id:key-secret")) + "\n");
        Write(LogPath(config), 0, 200);
        // Port 9 (discard): below the range ports are handed out from when a server binds port 0, as every server of
        // these tests does, so none of them can be listening there.
        const string dead = "http://127.0.0.1:9";
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={dead}",
            $"--Elasticsearch:Urls:1={emulator.Url}", "--Elasticsearch:FlushInterval=200ms", $"--Elasticsearch:ApiKeyFile={keyFile}");

        await WaitForCountAsync(emulator, 200, TimeSpan.FromSeconds(60));
        await Task.Delay(500);

        Assert.Equal(Expected(200), Messages(emulator));
        AssertFields(emulator.Documents(Target));
    }

    [Fact]
    public async Task A_server_that_is_not_elasticsearch_is_named_on_readyz_and_gets_no_documents()
    {
        using var config = new AgentConfig();
        // Something else on the URL (a proxy's page, another product): 200 to GET /, without X-Elastic-Product.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var bulkRequests = 0;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                using var stream = client.GetStream();
                var request = new byte[8192];
                var read = await stream.ReadAsync(request, stop.Token);
                if (System.Text.Encoding.ASCII.GetString(request, 0, read).Contains("_bulk", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref bulkRequests);
                }

                var body = """{"name":"not-elasticsearch","version":{"number":"2.11.0"}}""";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), stop.Token);
            }
        });
        Write(LogPath(config), 0, 10);
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={url}");
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var reasons = "";
        while (DateTime.UtcNow < deadline && !reasons.Contains("X-Elastic-Product", StringComparison.Ordinal))
        {
            using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            reasons = await ready.Content.ReadAsStringAsync();
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        try
        {
            await server;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        Assert.Contains("not as Elasticsearch", reasons, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref bulkRequests));
    }

    [Fact]
    public async Task Insecure_skip_verify_accepts_any_certificate_when_asked()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Tls = true });
        Write(LogPath(config), 0, 20);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", "--Elasticsearch:InsecureSkipVerify=true");

        await WaitForCountAsync(emulator, 20, TimeSpan.FromSeconds(30));

        Assert.Equal(Expected(20), Messages(emulator));
    }
}
