using System.Globalization;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Issue 12: a cluster whose <c>http.max_content_length</c> is smaller than the agent's bodies answers 413. The agent
/// sends the body again in halves until each is taken, so every line is stored once; a single line larger than the
/// limit can never be stored and is dead-lettered, while the lines around it are stored.
/// </summary>
public sealed class OversizedBodyTests
{
    private const string Target = "logs-kubernetes.container_logs-default";

    [Fact]
    public async Task Bodies_over_the_clusters_limit_are_split_and_a_line_over_it_alone_is_dead_lettered()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        emulator.Faults = new FaultSettings { MaxContentLength = 80 * 1024 };
        var log = Path.Combine(config.Root, "pods", "shop_web-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app", "0.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var lines = Enumerable.Range(0, 600).Select(i => i == 300 ? "huge " + new string('x', 100 * 1024) : string.Create(CultureInfo.InvariantCulture, $"line {i:000000} of the test")).ToList();
        await File.WriteAllLinesAsync(log, lines.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"2026-12-07T10:15:00.{i:000000000}Z stdout F {m}")));

        // Bodies of up to 256 KiB: every first attempt is refused.
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:MaxBatchBytes=256KiB", "--Elasticsearch:FlushInterval=200ms");
        var deadLetters = Path.Combine(config.Root, "state", "dead-letter.ndjson");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((emulator.Count(Target) < 599 || !File.Exists(deadLetters)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var stored = emulator.Documents(Target).Select(d => d.GetProperty("message").GetString()!).ToList();
        Assert.Equal(lines.Where((_, i) => i != 300).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.True(emulator.Stats.RequestsByStatus.GetValueOrDefault(413) > 1, "no 413 was answered");
        var deadLetter = Assert.Single(File.ReadAllLines(deadLetters));
        Assert.Contains("request_entity_too_large", deadLetter, StringComparison.Ordinal);
        Assert.Contains("huge xxxx", deadLetter, StringComparison.Ordinal);
        Assert.Contains(agent.Logs, l => l.Contains("(413)", StringComparison.Ordinal));
    }
}
