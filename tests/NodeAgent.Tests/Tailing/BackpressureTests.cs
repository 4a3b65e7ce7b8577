using System.Globalization;
using NodeAgent.Delivery;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>The real reading loop over real files with an output that stops acknowledging: reading pauses within the
/// budget, nothing is dropped, and everything flows once the output recovers.</summary>
public sealed class BackpressureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_stalled_output_pauses_reading_within_the_budget_and_loses_nothing()
    {
        const int lines = 40_000;
        var log = _dir.Write("pods/ns_pod_uid/app/0.log", string.Concat(Enumerable.Range(0, lines).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{i:000000000}Z stdout F message number {i:000000} with some padding to make it longer\n"))));
        var options = TailingHarness.Options($"--Logs:Include:0={Path.GetDirectoryName(log)}/*.log", $"--Logs:StatePath={_dir.Path}/state",
            "--Logs:MaxLineBytes=16KiB", "--Logs:MaxMessageBytes=16KiB", "--Logs:MaxBufferedBytes=256KiB", "--Logs:PollInterval=100ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput(budget) { Stalled = true };
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);

        await server.StartAsync(CancellationToken.None);
        // Paused, and staying paused: turn after turn stops at the budget and reads nothing more.
        await Eventually.ValueAsync(() => statistics.BackpressurePauses, n => n > 0, "reading paused by the budget");
        var readWhenPaused = statistics.BytesRead;
        var pauses = statistics.BackpressurePauses;
        await Eventually.ValueAsync(() => statistics.BackpressurePauses, n => n >= pauses + 5, "five more turns stopped by the budget");
        Assert.Equal(readWhenPaused, statistics.BytesRead);
        var paused = AgentMetricsText.Of(new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));

        // The budget counts what the output holds and what readers hold, records read and waiting for room included.
        // It is checked before each quantum of reading (256 KiB) and between slices of at most 16 KiB of messages
        // handed to the output (plus one line, here at most 16 KiB): it is overshot by one quantum and a slice at most.
        Assert.InRange(budget.Used, 1, budget.Limit + (256 * 1024) + (32 * 1024));
        Assert.InRange(budget.HeldByOutput, 1, budget.Limit + (32 * 1024));
        Assert.True(statistics.BytesRead < new FileInfo(log).Length / 4, $"read {statistics.BytesRead} bytes while the output was stalled");
        Assert.True(statistics.BackpressurePauses > 0);
        Assert.InRange(MetricText.Value(paused, "nodeagent_log_backpressure_pauses_total") ?? 0, pauses + 5, double.MaxValue);
        Assert.Contains("nodeagent_log_buffer_limit_bytes 262144\n", paused, StringComparison.Ordinal);
        Assert.InRange(MetricText.Value(paused, "nodeagent_log_buffered_bytes") ?? 0, 1, budget.Limit + (256 * 1024) + (32 * 1024));
        // Nothing acknowledged yet: the whole file is the lag, and its oldest line has waited since it was read.
        const string Container = "{container=\"app\",namespace=\"ns\",pod=\"pod\"}";
        Assert.Equal(new FileInfo(log).Length, MetricText.Value(paused, "nodeagent_log_lag_bytes" + Container));
        Assert.InRange(MetricText.Value(paused, "nodeagent_log_lag_seconds" + Container) ?? 0, 0.001, 60);

        output.Stalled = false;
        output.Release();
        await Eventually.ValueAsync(() => output.DeliveredOffsets.Count, n => n >= lines, "every line delivered", TimeSpan.FromSeconds(20));

        // The checkpoint follows the acknowledgements: the lag is gone once every line is.
        await Eventually.TrueAsync(() => server.Tails.Single().Acks.Committed == new FileInfo(log).Length, "every line acknowledged");
        var caughtUp = AgentMetricsText.Of(new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));
        await server.StopAsync(CancellationToken.None);
        Assert.Equal(lines, output.DeliveredOffsets.Count);
        Assert.Equal(0, budget.Used);
        Assert.Contains("nodeagent_log_buffered_bytes 0\n", caughtUp, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_lag_bytes{Container} 0\n", caughtUp, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_lag_seconds{Container} 0\n", caughtUp, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_lines_read_total {lines}\n", caughtUp, StringComparison.Ordinal);
    }
}
