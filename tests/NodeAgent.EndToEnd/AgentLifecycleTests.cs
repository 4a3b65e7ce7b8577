using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>The built agent as a child process: it starts, serves its endpoints, stops on signals, and refuses bad
/// configuration with exit code 2.</summary>
public sealed class AgentLifecycleTests
{
    private const int SigHup = 1;

    [Fact]
    public async Task Serves_health_readiness_metrics_and_index_on_the_configured_address()
    {
        using var config = new AgentConfig();
        await using var agent = await config.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = config.BaseAddress };

        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        using var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        var text = await metrics.Content.ReadAsStringAsync();
        foreach (var family in new[] { "process_cpu_seconds_total counter", "process_resident_memory_bytes gauge", "process_open_fds gauge", "process_start_time_seconds gauge", "process_max_fds gauge", "process_virtual_memory_bytes gauge", "nodeagent_build_info gauge" })
        {
            Assert.Contains($"# TYPE {family}\n", text, StringComparison.Ordinal);
        }

        var version = (await AgentProcess.RunToExitAsync("--version")).Stdout.Single().Split(' ')[1];
        Assert.Matches($"\nnodeagent_build_info\\{{runtime=\"10\\.\\d+\\.\\d+\",version=\"{Regex.Escape(version)}\"\\}} 1\n", text);
        var rss = text.Split('\n').Single(l => l.StartsWith("process_resident_memory_bytes ", StringComparison.Ordinal));
        Assert.InRange(double.Parse(rss.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 1e6, 1e9);

        var index = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains($"NodeAgent {version}", index, StringComparison.Ordinal);
        Assert.Contains("href=\"/metrics\"", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_come_as_OpenMetrics_and_gzip_when_asked()
    {
        using var config = new AgentConfig();
        await using var agent = await config.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await http.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.StartsWith("application/openmetrics-text; version=1.0.0", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var text = await new StreamReader(gzip).ReadToEndAsync();
        Assert.Contains("# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total ", text, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_and_exclude_select_collectors_as_node_exporter_does()
    {
        using var config = new AgentConfig(json => json["Logs"]!["Enabled"] = false);
        await using var agent = await config.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = config.BaseAddress };

        var only = await http.GetStringAsync(new Uri("/metrics?collect[]=loadavg&collect[]=meminfo", UriKind.Relative));
        var collectors = only.Split('\n').Where(l => l.StartsWith("node_scrape_collector_success{", StringComparison.Ordinal)).ToList();
        Assert.Equal(["node_scrape_collector_success{collector=\"loadavg\"} 1", "node_scrape_collector_success{collector=\"meminfo\"} 1"], collectors);
        Assert.Contains("\nnode_load1 ", only, StringComparison.Ordinal);
        Assert.DoesNotContain("node_cpu_seconds_total", only, StringComparison.Ordinal);

        var allBut = await http.GetStringAsync(new Uri("/metrics?exclude[]=cpu", UriKind.Relative));
        Assert.DoesNotContain("collector=\"cpu\"", allBut, StringComparison.Ordinal);
        Assert.Contains("collector=\"meminfo\"", allBut, StringComparison.Ordinal);

        using var unknown = await http.GetAsync(new Uri("/metrics?collect[]=nosuch", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("missing collector: nosuch", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var both = await http.GetAsync(new Uri("/metrics?collect[]=cpu&exclude[]=meminfo", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Theory]
    [InlineData(AgentProcess.SigTerm)]
    [InlineData(AgentProcess.SigInt)]
    public async Task A_stop_signal_exits_zero_within_seconds(int signal)
    {
        using var config = new AgentConfig();
        await using var agent = await config.StartAgentAsync();

        agent.Signal(signal);
        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exitCode);
        Assert.Contains(agent.Logs, l => l.Contains("\"event\":\"Stopped\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hangup_signal_is_logged_and_ignored_and_the_agent_keeps_serving_until_SIGTERM()
    {
        using var config = new AgentConfig();
        await using var agent = await config.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = config.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

        // .NET's default action for SIGHUP ends the process, as SIGTERM does; a terminal closing, or an operator used
        // to "kill -HUP reloads the configuration", must not take node metrics down.
        for (var hangups = 1; hangups <= 2; hangups++)
        {
            agent.Signal(SigHup);
            await Eventually.ValueAsync(() => agent.Logs.Count(l => l.Contains("\"event\":\"HangupIgnored\"", StringComparison.Ordinal)), n => n >= hangups, $"{hangups} HangupIgnored logged");
            using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        agent.Signal(AgentProcess.SigTerm);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        var hangup = agent.Logs.Where(l => l.Contains("\"event\":\"HangupIgnored\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, hangup.Count);
        Assert.All(hangup, l => Assert.Contains("\"level\":\"info\"", l, StringComparison.Ordinal));
        Assert.Contains(agent.Logs, l => l.Contains("\"event\":\"Stopped\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_are_json_lines_and_a_scrape_writes_none()
    {
        using var config = new AgentConfig();
        await using var agent = await config.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        for (var i = 0; i < 5; i++)
        {
            await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }

        agent.Signal(AgentProcess.SigTerm);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        Assert.NotEmpty(agent.Logs);
        foreach (var line in agent.Logs)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.True(doc.RootElement.TryGetProperty("time", out _), line);
            Assert.True(doc.RootElement.TryGetProperty("level", out _), line);
            Assert.True(doc.RootElement.TryGetProperty("message", out _), line);
            Assert.DoesNotContain("/metrics", doc.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var events = agent.Logs.Select(l => JsonDocument.Parse(l).RootElement.TryGetProperty("event", out var e) ? e.GetString() : null).ToList();
        Assert.Equal(["Started", "Stopping", "Stopped"], events.Where(e => e is "Started" or "Stopping" or "Stopped"));
    }

    [Fact]
    public async Task Text_logs_when_configured()
    {
        using var config = new AgentConfig(json => json["Logging"] = new System.Text.Json.Nodes.JsonObject { ["Format"] = "text" });
        await using var agent = await config.StartAgentAsync();
        agent.Signal(AgentProcess.SigTerm);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        var started = Assert.Single(agent.Logs, l => l.Contains("started on node", StringComparison.Ordinal));
        Assert.DoesNotContain("{\"time\"", started, StringComparison.Ordinal);
        Assert.Contains("info:", started, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_exits_2_and_names_the_key()
    {
        using var config = new AgentConfig(json => json["Logz"] = new System.Text.Json.Nodes.JsonObject { ["Include"] = "x" });
        var (exitCode, _, stderr) = await AgentProcess.RunToExitAsync("--config", config.FilePath);

        Assert.Equal(2, exitCode);
        Assert.Contains(stderr, l => l.EndsWith($"{config.FilePath}: Logz: unknown key (did you mean Logs?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_value_exits_2_and_says_what_was_expected()
    {
        using var config = new AgentConfig();
        var (exitCode, _, stderr) = await AgentProcess.RunToExitAsync("--config", config.FilePath, "--Elasticsearch:FlushInterval=fast");

        Assert.Equal(2, exitCode);
        Assert.Contains(stderr, l => l.Contains("command line: Elasticsearch:FlushInterval: 'fast' is not valid (expected a duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_busy_port_exits_1_naming_the_listen_address()
    {
        using var config = new AgentConfig();
        await using var first = await config.StartAgentAsync();
        var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync("--config", config.FilePath, $"--Http:ListenAddress=127.0.0.1:{config.Port}");

        Assert.Equal(1, exitCode);
        Assert.Contains(stdout.Concat(stderr), l => l.Contains($"Http:ListenAddress 127.0.0.1:{config.Port} cannot be used", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_listen_address_that_cannot_be_bound_exits_1_naming_it_instead_of_crashing()
    {
        // [::2] is no address of this machine (nor routable): bind(2) fails with EADDRNOTAVAIL, or EAFNOSUPPORT where
        // IPv6 is off; either way before start-up completes, and nothing is sent anywhere.
        using var config = new AgentConfig();
        var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync("--config", config.FilePath, "--Http:ListenAddress=[::2]:9100");

        Assert.Equal(1, exitCode);
        var output = stdout.Concat(stderr).ToList();
        Assert.Contains(output, l => l.Contains("Http:ListenAddress [::2]:9100 cannot be used", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_directory_that_cannot_be_created_exits_1_naming_it()
    {
        using var config = new AgentConfig(json => json["Logs"]!["StatePath"] = "/proc/node-agent-nope/state");
        var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync("--config", config.FilePath);

        Assert.Equal(1, exitCode);
        Assert.Contains(stdout.Concat(stderr), l => l.Contains("Logs:StatePath /proc/node-agent-nope/state cannot be created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        var (exitCode, stdout, _) = await AgentProcess.RunToExitAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^node-agent \d+\.\d+\.\d+", Assert.Single(stdout));
    }
}
