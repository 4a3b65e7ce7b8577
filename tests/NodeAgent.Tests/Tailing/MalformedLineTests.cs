using System.Collections.Concurrent;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Tailing;
using NodeAgent.TestSupport;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class MalformedLineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_malformed_first_line_is_kept_flagged_and_stamped_with_its_read_time()
    {
        _dir.Write("pods/ns_pod_uid/app/0.log",
            "this is not a CRI line, but it must not be lost either, nor crash anything\n" +
            "2026-11-28T10:15:00.123456789Z stdout F a good line after it, long enough to pass the fingerprint\n");
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await server.StartAsync(CancellationToken.None);
        await Eventually.ValueAsync(() => output.Delivered.Count, n => n >= 2, "both lines read");
        var metrics = AgentMetricsText.Of(new TailMetrics(server, statistics, new PodEnricher(options.Kubernetes, false, null), budget, TimeProvider.System));

        await server.StopAsync(CancellationToken.None);
        var records = output.Delivered.Select(d => d.Record).ToList();
        Assert.Equal(2, records.Count);
        Assert.True(records[0].Flags.HasFlag(LogFlags.Malformed));
        Assert.StartsWith("this is not a CRI line", System.Text.Encoding.UTF8.GetString(records[0].Message.Span), StringComparison.Ordinal);
        Assert.InRange(DateTimeOffset.Parse(records[0].TimestampText, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("2026-11-28T10:15:00.123456789Z", records[1].TimestampText);
        // Flagged lines are counted by flag; the good one is not.
        Assert.Equal(["nodeagent_log_lines_flagged_total{reason=\"malformed\"}"], MetricText.Series(metrics, "nodeagent_log_lines_flagged_total"));
        Assert.Contains("nodeagent_log_lines_flagged_total{reason=\"malformed\"} 1\n", metrics, StringComparison.Ordinal);
    }
}
