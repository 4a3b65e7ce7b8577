using System.Globalization;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// A data stream other than the default (issue 11, point 5): Elasticsearch keeps a data stream's
/// <c>data_stream.*</c> constant, so every document must name the configured stream, or the cluster refuses it (when
/// an integration's template, another shipper or an earlier document fixed the values) or files it under the wrong
/// dataset for good (when the agent's first document fixes them).
/// </summary>
public sealed class DataStreamTargetTests
{
    private const string Target = "logs-myapp-prod";
    private const int Lines = 50;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_configured_data_stream_stores_every_line_naming_it(bool integrationTemplate)
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        if (integrationTemplate)
        {
            // As an integration installs it: the stream's values are in the mapping before the first document.
            using var http = new HttpClient { BaseAddress = emulator.Url };
            using var template = new StringContent("""
                {"index_patterns":["logs-myapp-*"],"data_stream":{},"priority":200,"template":{"mappings":{"properties":{"data_stream":{"properties":{
                  "type":{"type":"constant_keyword","value":"logs"},"dataset":{"type":"constant_keyword","value":"myapp"},"namespace":{"type":"constant_keyword","value":"prod"}}}}}}}
                """, Encoding.UTF8, "application/json");
            (await http.PutAsync(new Uri("_index_template/myapp", UriKind.Relative), template)).EnsureSuccessStatusCode();
        }

        var log = Path.Combine(config.Root, "pods", "shop_web-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app", "0.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        File.WriteAllLines(log, Enumerable.Range(0, Lines).Select(i => string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:00:{i:00}.000000001Z stdout F line {i:000} of the test")));
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}",
            "--Elasticsearch:FlushInterval=200ms", $"--Elasticsearch:DataStream={Target}");

        await Eventually.ValueAsync(() => emulator.Count(Target) + emulator.Stats.ItemsMappingError, n => n >= Lines, "every line stored or refused", TimeSpan.FromSeconds(30));

        await Task.Delay(500);
        Assert.Equal(0, emulator.Stats.ItemsMappingError);
        Assert.Equal(Lines, emulator.Count(Target));
        Assert.True(emulator.IsDataStream(Target));
        foreach (var document in emulator.Documents(Target))
        {
            var dataStream = document.GetProperty("data_stream");
            Assert.Equal("logs", dataStream.GetProperty("type").GetString());
            Assert.Equal("myapp", dataStream.GetProperty("dataset").GetString());
            Assert.Equal("prod", dataStream.GetProperty("namespace").GetString());
            Assert.Equal("myapp", document.GetProperty("event").GetProperty("dataset").GetString());
            Assert.Equal("web-0", document.GetProperty("kubernetes").GetProperty("pod").GetProperty("name").GetString());
        }

        Assert.False(File.Exists(Path.Combine(config.Root, "state", "dead-letter.ndjson")));
        var metrics = await config.AgentMetricsAsync();
        Assert.Contains($"nodeagent_elasticsearch_documents_total{{result=\"created\"}} {Lines}\n", metrics, StringComparison.Ordinal);
        var deadLettered = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("nodeagent_elasticsearch_documents_total{result=\"dead_lettered\"}", StringComparison.Ordinal));
        Assert.True(deadLettered is null || deadLettered.EndsWith(" 0", StringComparison.Ordinal), deadLettered);
    }

    [Fact]
    public async Task A_name_outside_the_data_stream_scheme_exits_2_naming_the_key()
    {
        using var config = new AgentConfig();
        var (exit, _, stderr) = await AgentProcess.RunToExitAsync("--config", config.FilePath, "--Elasticsearch:DataStream=logs-my-app-prod");

        Assert.Equal(2, exit);
        Assert.Contains(stderr, l => l.Contains("Elasticsearch:DataStream: 'logs-my-app-prod' is not a data stream name: it has 4 dash-separated parts, not 3", StringComparison.Ordinal));
    }
}
