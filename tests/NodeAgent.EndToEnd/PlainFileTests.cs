using System.Globalization;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Plain host files (issue 14, point 3): a file outside kubelet's layout whose lines are neither CRI nor docker JSON
/// ships as plain lines into its own data stream, beside a container's file going to the usual one; a kill -9 and a
/// restart in the middle neither lose nor repeat a line.
/// </summary>
public sealed class PlainFileTests
{
    private const string PlainStream = "logs-host.file-default";
    private const string ContainerStream = "logs-kubernetes.container_logs-default";

    [Fact]
    public async Task A_syslog_file_ships_as_plain_lines_into_its_own_data_stream_exactly_once_across_a_kill()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var hostLogs = Path.Combine(config.Root, "hostlog");
        Directory.CreateDirectory(hostLogs);
        var syslog = Path.Combine(hostLogs, "syslog");
        var podLog = Path.Combine(config.Root, "pods", "shop_web-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app", "0.log");
        Directory.CreateDirectory(Path.GetDirectoryName(podLog)!);
        File.WriteAllLines(podLog, ["2026-11-28T10:00:00.000000001Z stdout F container line"]);
        var now = DateTimeOffset.UtcNow;
        // A BSD syslog stamp in the local zone, the day padded with a space as RFC 3164 writes it ("Dec  8").
        var local = now.ToLocalTime();
        var syslogStamp = string.Create(CultureInfo.InvariantCulture, $"{local:MMM} {local.Day,2} {local:HH:mm:ss}");
        string[] first =
        [
            "2026-12-08T03:31:12.123456+00:00 node1 systemd[1]: Started Daily apt upgrade.",
            $"{syslogStamp} node1 CRON[2211]: (root) CMD (command -v debian-sa1)",
            "a line with no time",
        ];
        File.WriteAllLines(syslog, first);

        string[] arguments = [$"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Logs:Include:1={hostLogs}/*", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms"];
        await using (var agent = await config.StartAgentAsync(arguments))
        {
            await Eventually.ValueAsync(() => emulator.Count(PlainStream), n => n >= first.Length, "the syslog lines stored", TimeSpan.FromSeconds(30));
            await Eventually.ValueAsync(() => emulator.Count(ContainerStream), n => n >= 1, "the container line stored", TimeSpan.FromSeconds(30));
            // Checkpoints are written every second: wait for one past the lines, then kill without a goodbye.
            await Task.Delay(1500);
            agent.Signal(AgentProcess.SigKill);
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        File.AppendAllLines(syslog, ["2026-12-08T03:40:00Z node1 kernel: after the restart"]);
        await using (var _ = await config.StartAgentAsync(arguments))
        {
            await Eventually.ValueAsync(() => emulator.Count(PlainStream), n => n >= first.Length + 1, "the line written while the agent was down", TimeSpan.FromSeconds(30));
            await Task.Delay(1000);
        }

        var documents = emulator.Documents(PlainStream).OrderBy(d => d.GetProperty("log").GetProperty("offset").GetInt64()).ToList();
        Assert.Equal([.. first, "2026-12-08T03:40:00Z node1 kernel: after the restart"], documents.Select(d => d.GetProperty("message").GetString()));
        Assert.All(documents, d =>
        {
            Assert.False(d.TryGetProperty("stream", out _));
            Assert.False(d.GetProperty("log").TryGetProperty("flags", out _));
            Assert.Equal(syslog, d.GetProperty("log").GetProperty("file").GetProperty("path").GetString());
            Assert.Equal("host.file", d.GetProperty("data_stream").GetProperty("dataset").GetString());
        });
        Assert.Equal("2026-12-08T03:31:12.123456+00:00", documents[0].GetProperty("@timestamp").GetString());
        var syslogTime = DateTimeOffset.Parse(documents[1].GetProperty("@timestamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(syslogTime, now.AddSeconds(-2), now.AddSeconds(1));
        var readTime = DateTimeOffset.Parse(documents[2].GetProperty("@timestamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(readTime, now.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal("2026-12-08T03:40:00Z", documents[3].GetProperty("@timestamp").GetString());

        var container = Assert.Single(emulator.Documents(ContainerStream));
        Assert.Equal("stdout", container.GetProperty("stream").GetString());
        Assert.Equal("container line", container.GetProperty("message").GetString());
        Assert.True(emulator.IsDataStream(PlainStream));
    }
}
