using System.Globalization;
using System.Text;
using System.Text.Json;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>The real agent tails kubelet-style files and prints every line once as an ECS document on stdout.</summary>
public sealed class LogTailingTests
{
    private sealed class Container(AgentConfig config, string ns, string pod, string container)
    {
        public string Directory { get; } = Path.Combine(config.Root, "pods", $"{ns}_{pod}_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", container);

        public string LogPath => Path.Combine(Directory, "0.log");

        public string Link { get; } = Path.Combine(config.LogDirectory, $"{pod}_{ns}_{container}-{new string('a', 64)}.log");

        public void Create()
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(LogPath, "");
            File.CreateSymbolicLink(Link, LogPath);
        }

        public void Write(int from, int count, string path = "")
        {
            using var stream = new FileStream(path.Length > 0 ? path : LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            using var writer = new StreamWriter(stream);
            for (var i = from; i < from + count; i++)
            {
                writer.Write(Line(i));
            }
        }

        public static string Line(int i) => string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:15:{i % 60:00}.123456789Z stdout F line {i:00000} of the test\n");
    }

    private static List<JsonElement> Documents(AgentProcess agent) =>
        [.. agent.Stdout.Select(l => JsonDocument.Parse(l).RootElement).Where(d => d.TryGetProperty("message", out _))];

    private static Task<List<JsonElement>> WaitForDocumentsAsync(AgentProcess agent, int count, TimeSpan timeout) =>
        Eventually.ValueAsync(() => Documents(agent), d => d.Count >= count, $"{count} documents printed", timeout);

    private static List<string> Messages(IEnumerable<JsonElement> documents) => [.. documents.Select(d => d.GetProperty("message").GetString()!)];

    private static List<string> Expected(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"line {i:00000} of the test")];

    [Fact]
    public async Task Every_line_becomes_one_document_with_path_metadata_and_nanosecond_timestamp()
    {
        using var config = new AgentConfig();
        var app = new Container(config, "shop", "web-7d4b9c-x2x9z", "nginx");
        app.Create();
        app.Write(0, 100);
        File.AppendAllText(app.LogPath, "2026-11-28T10:16:00.000000001Z stderr P first half \n2026-11-28T10:16:00.000000002Z stderr F and second half\n");
        await using var agent = await config.StartAgentAsync();

        var documents = await WaitForDocumentsAsync(agent, 101, TimeSpan.FromSeconds(20));

        Assert.Equal([.. Expected(0, 100), "first half and second half"], Messages(documents));
        var first = documents[0];
        Assert.Equal("2026-11-28T10:15:00.123456789Z", first.GetProperty("@timestamp").GetString());
        Assert.Equal("stdout", first.GetProperty("stream").GetString());
        Assert.Equal("shop", first.GetProperty("kubernetes").GetProperty("namespace").GetString());
        Assert.Equal("web-7d4b9c-x2x9z", first.GetProperty("kubernetes").GetProperty("pod").GetProperty("name").GetString());
        Assert.Equal("nginx", first.GetProperty("kubernetes").GetProperty("container").GetProperty("name").GetString());
        Assert.Equal(new string('a', 64), first.GetProperty("container").GetProperty("id").GetString());
        Assert.Equal("stderr", documents[100].GetProperty("stream").GetString());
        Assert.Equal(0, first.GetProperty("log").GetProperty("offset").GetInt64());

        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        var index = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains(app.Link, index, StringComparison.Ordinal);
        var metrics = await http.GetStringAsync(new Uri("/metrics?collect[]=loadavg", UriKind.Relative));
        Assert.Contains("nodeagent_log_lines_read_total 101\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_lag_bytes{container=\"nginx\",namespace=\"shop\",pod=\"web-7d4b9c-x2x9z\"} 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_that_lives_two_seconds_gets_all_its_lines_delivered()
    {
        using var config = new AgentConfig();
        await using var agent = await config.StartAgentAsync();
        var job = new Container(config, "batch", "job-42-abcde", "worker");
        job.Create();
        for (var i = 0; i < 10; i++)
        {
            job.Write(i * 10, 10);
            await Task.Delay(200);
        }

        // The container is gone: kubelet removes the link and the pod's directory.
        File.Delete(job.Link);
        Directory.Delete(Path.GetDirectoryName(job.Directory)!, recursive: true);

        var documents = await WaitForDocumentsAsync(agent, 100, TimeSpan.FromSeconds(20));
        Assert.Equal(Expected(0, 100), Messages(documents));
    }

    [Fact]
    public async Task Rename_rotation_loses_nothing_and_repeats_nothing()
    {
        using var config = new AgentConfig();
        var app = new Container(config, "shop", "api-5f6b7-abcde", "api");
        app.Create();
        await using var agent = await config.StartAgentAsync();
        app.Write(0, 50);
        await WaitForDocumentsAsync(agent, 50, TimeSpan.FromSeconds(20));

        // kubelet: rename 0.log, the runtime reopens a new 0.log; a few lines still land in the old file first.
        app.Write(50, 10);
        var rotated = app.LogPath + ".20261128-101500";
        File.Move(app.LogPath, rotated);
        app.Write(60, 5, rotated);
        File.WriteAllText(app.LogPath, "");
        app.Write(65, 35);

        var documents = await WaitForDocumentsAsync(agent, 100, TimeSpan.FromSeconds(20));
        await Task.Delay(1000);
        Assert.Equal(Expected(0, 100), Messages(Documents(agent)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_restart_resumes_at_the_checkpoint_with_nothing_repeated()
    {
        using var config = new AgentConfig();
        var app = new Container(config, "shop", "db-0", "postgres");
        app.Create();
        app.Write(0, 50);
        await using (var first = await config.StartAgentAsync())
        {
            await WaitForDocumentsAsync(first, 50, TimeSpan.FromSeconds(20));
            first.Signal(AgentProcess.SigTerm);
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(Expected(0, 50), Messages(Documents(first)));
        }

        app.Write(50, 50);
        await using var second = await config.StartAgentAsync();
        var documents = await WaitForDocumentsAsync(second, 50, TimeSpan.FromSeconds(20));
        await Task.Delay(1000);
        Assert.Equal(Expected(50, 50), Messages(Documents(second)));
    }

    /// <summary>The checkpoint saved for the one file tailed (where a restart resumes); 0 before the first save.</summary>
    private static long CheckpointedOffset(AgentConfig config)
    {
        var path = Path.Combine(config.Root, "state", "checkpoints.json");
        if (!File.Exists(path))
        {
            return 0;
        }

        // Replaced by rename, never written in place: whatever is read is a whole file.
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        return json.RootElement.GetProperty("checkpoints").EnumerateArray().ToList() switch
        {
            [] => 0,
            [var one] => one.GetProperty("offset").GetInt64(),
            var many => throw new InvalidOperationException($"{many.Count} checkpoints for one file"),
        };
    }

    /// <summary>The documents printed by an agent killed with SIGKILL: the kill may cut its last line short (never
    /// acknowledged, so printed again after the restart); that line is left out.</summary>
    private static List<JsonElement> DocumentsOfKilled(AgentProcess agent)
    {
        var lines = agent.Stdout;
        var documents = new List<JsonElement>();
        for (var i = 0; i < lines.Count; i++)
        {
            try
            {
                documents.Add(JsonDocument.Parse(lines[i]).RootElement);
            }
            catch (JsonException) when (i == lines.Count - 1)
            {
                // Cut by the kill.
            }
        }

        return [.. documents.Where(d => d.TryGetProperty("message", out _))];
    }

    private static long Offset(JsonElement document) => document.GetProperty("log").GetProperty("offset").GetInt64();

    [Fact]
    public async Task Killed_mid_stream_the_lines_printed_twice_are_exactly_those_after_the_last_checkpoint()
    {
        using var config = new AgentConfig();
        var app = new Container(config, "shop", "cache-0", "redis");
        app.Create();
        const int Total = 2000;
        // Lines keep coming (400 a second for 5 s) while the agent reads, prints, acknowledges and checkpoints them.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Total; i += 20)
            {
                app.Write(i, 20);
                await Task.Delay(50);
            }
        });

        List<JsonElement> first;
        long checkpointed;
        await using (var agent = await config.StartAgentAsync())
        {
            // Past a checkpoint save, and half a second more (saves are a second apart) while lines are still being
            // written and printed: some printed lines are then past the checkpoint.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline && CheckpointedOffset(config) == 0)
            {
                await Task.Delay(20);
            }

            await Task.Delay(500);
            agent.Signal(AgentProcess.SigKill);
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(20));
            first = DocumentsOfKilled(agent);
            checkpointed = CheckpointedOffset(config);
        }

        Assert.True(first.Count > 0 && first.Count < Total, $"killed with {first.Count} of {Total} lines printed; mid-stream needs some but not all");
        await writer;
        await using var second = await config.StartAgentAsync();
        await WaitForDocumentsAsync(second, 1, TimeSpan.FromSeconds(20));
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < end && !Messages(Documents(second)).Contains($"line {Total - 1:00000} of the test"))
        {
            await Task.Delay(100);
        }

        // Anything printed twice by the second run would show in this time.
        await Task.Delay(1000);
        var again = Documents(second);
        // The first run printed lines 0.. in order, each once, and checkpointed no further than it printed, but further
        // than nothing: it had saved a checkpoint.
        Assert.Equal(Expected(0, first.Count), Messages(first));
        Assert.InRange(checkpointed, 1, Offset(first[^1]) + Encoding.UTF8.GetByteCount(Container.Line(first.Count - 1)));
        // The second run starts exactly at the checkpoint and prints every line from there once, in order.
        var resumedAt = first.FindIndex(d => Offset(d) >= checkpointed) is var i and >= 0 ? i : first.Count;
        Assert.Equal(checkpointed, Offset(again[0]));
        Assert.Equal(Expected(resumedAt, Total - resumedAt), Messages(again));
        // So the lines printed twice are exactly the first run's lines past its last checkpoint: none before it.
        var twice = Messages(first).Intersect(Messages(again)).ToList();
        Assert.Equal(Messages(first.Where(d => Offset(d) >= checkpointed)), twice);
    }

    [Fact]
    public async Task A_pod_that_swaps_its_log_for_a_link_to_a_host_file_ships_none_of_it_and_the_refusal_is_counted_once()
    {
        using var config = new AgentConfig();
        var secret = Path.Combine(config.Root, "host", "etc", "shadow");
        Directory.CreateDirectory(Path.GetDirectoryName(secret)!);
        File.WriteAllText(secret, string.Concat(Enumerable.Repeat("root:$6$E2ESECRETHASH$0123456789abcdefghijklmnopqrstuvwxyz:19000:0:99999:7:::\n", 3)));
        var tenant = new Container(config, "tenant", "evil-0", "app");
        tenant.Create();
        tenant.Write(0, 5);
        var app = new Container(config, "shop", "web-0", "nginx");
        app.Create();
        app.Write(0, 10);
        await using var agent = await config.StartAgentAsync();
        await WaitForDocumentsAsync(agent, 15, TimeSpan.FromSeconds(20));

        // The tenant, able to write in its log directory (a hostPath, a runtime bug), replaces its 0.log with a link
        // to a host file; other pods go on logging.
        File.Delete(tenant.LogPath);
        File.CreateSymbolicLink(tenant.LogPath, secret);
        app.Write(10, 10);
        await WaitForDocumentsAsync(agent, 25, TimeSpan.FromSeconds(20));
        // The link was looked at and refused: only now does "nothing of the host file was shipped" say anything.
        await Eventually.ValueAsync(config.AgentMetricsAsync, m => m.Contains("nodeagent_log_files_refused_total{reason=\"outside_allowed_roots\"} 1\n", StringComparison.Ordinal), "the link refused");
        // Refused once, not at every look: a few looks go by.
        await Task.Delay(2000);

        Assert.DoesNotContain(agent.Stdout, line => line.Contains("E2ESECRETHASH", StringComparison.Ordinal));
        Assert.Equal(Expected(0, 5), Messages(Documents(agent).Where(d => d.GetProperty("kubernetes").GetProperty("namespace").GetString() == "tenant")));
        Assert.Equal(Expected(0, 20), Messages(Documents(agent).Where(d => d.GetProperty("kubernetes").GetProperty("namespace").GetString() == "shop")));
        var metrics = await config.AgentMetricsAsync();
        Assert.Contains("nodeagent_log_files_refused_total{reason=\"outside_allowed_roots\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Single(agent.Logs, line => line.Contains("\"TailRefused\"", StringComparison.Ordinal));
    }
}
