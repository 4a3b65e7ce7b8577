using System.Globalization;
using NodeAgent.Delivery;
using NodeAgent.Tailing;
using NodeAgent.TestSupport;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// A file truncated in place (logrotate's copytruncate) while lines the agent had seen were still unread: what it read
/// goes out, what it had not read is gone (no reader can have it), and that loss is counted in
/// <c>nodeagent_log_bytes_lost_total{reason="truncated"}</c>, the family the NodeAgentLogBytesLost alert watches.
/// </summary>
public sealed class TruncationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Lines(string prefix, int from, int count) => string.Concat(Enumerable.Range(from, count).Select(i =>
        string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{i:000000000}Z stdout F {prefix} {i:000000} with some padding to make it longer\n")));

    [Fact]
    public async Task Bytes_seen_but_unread_when_the_file_is_truncated_in_place_are_counted_lost_exactly()
    {
        var log = _dir.Write("pods/ns_pod_uid/app/0.log", Lines("old", 0, 2000));
        var read = new FileInfo(log).Length;
        var options = TailingHarness.Options($"--Logs:Include:0={Path.GetDirectoryName(log)}/*.log", $"--Logs:StatePath={_dir.Path}/state",
            "--Logs:MaxLineBytes=16KiB", "--Logs:MaxMessageBytes=16KiB", "--Logs:MaxBufferedBytes=32KiB", "--Logs:PollInterval=50ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput(budget) { Stalled = true };
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);
        await server.StartAsync(CancellationToken.None);

        // The file is read whole in one quantum; the stalled output takes a slice and the rest waits for room, so
        // nothing more is read from the file.
        await Eventually.TrueAsync(() => statistics.BytesRead == read && budget.Waiting > 0, "the file read and its records waiting for room");
        File.AppendAllText(log, Lines("unread", 2000, 100));
        var seen = new FileInfo(log).Length;
        await Eventually.TrueAsync(() => server.Tails.Single().LastSeenSize == seen, "the appended lines seen by a look for files");
        Assert.Equal(read, statistics.BytesRead);

        // copytruncate: the file is emptied in place and written again.
        await using (File.Open(log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        File.AppendAllText(log, Lines("new", 0, 3));
        output.Stalled = false;
        output.Release();
        await Eventually.ValueAsync(() => output.DeliveredOffsets.Count, n => n >= 2003, "the old content's records and the new lines delivered");
        await Eventually.ValueAsync(() => statistics.Truncations, n => n >= 1, "the truncation handled");
        var metrics = AgentMetricsText.Of(new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));
        await server.StopAsync(CancellationToken.None);

        Assert.Equal(2003, output.DeliveredOffsets.Count);
        Assert.Contains("nodeagent_log_truncations_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_bytes_lost_total{{reason=\"truncated\"}} {seen - read}\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_bytes_lost_total{reason=\"max_open_files\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_lines_read_total 2003\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_bytes_read_total {read + new FileInfo(log).Length}\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_reasons_of_loss_are_exposed_from_the_start_so_the_alerts_increase_sees_the_first_loss()
    {
        using var server = TailingHarness.Server(TailingHarness.Options($"--Logs:StatePath={_dir.Path}/state"), new TestOutput(new BufferBudget(1 << 20)), new BufferBudget(1 << 20));

        var metrics = AgentMetricsText.Of(new TailMetrics(server, new TailStatistics(), TailingHarness.NoEnrichment, new BufferBudget(1 << 20), TimeProvider.System));

        Assert.Equal(
            ["nodeagent_log_bytes_lost_total{reason=\"max_open_files\"}", "nodeagent_log_bytes_lost_total{reason=\"truncated\"}"],
            MetricText.Series(metrics, "nodeagent_log_bytes_lost_total"));
        Assert.Equal((double?)0, MetricText.Value(metrics, "nodeagent_log_bytes_lost_total{reason=\"truncated\"}"));
    }

    /// <summary>Found by the model test: a file emptied in place and then deleted while still empty was never replaced
    /// (its new content too short to be named, forever) nor closed (truncated tails are not drained): its handle
    /// stayed open until the agent restarted.</summary>
    [Fact]
    public async Task A_file_truncated_and_deleted_while_empty_is_closed()
    {
        var log = _dir.Write("pods/ns_pod_uid/app/0.log", Lines("old", 0, 10));
        var options = TailingHarness.Options($"--Logs:Include:0={Path.GetDirectoryName(log)}/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput(budget);
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);
        await server.StartAsync(CancellationToken.None);
        await Eventually.ValueAsync(() => output.DeliveredOffsets.Count, n => n == 10, "the lines delivered");

        await using (File.Open(log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        await Eventually.TrueAsync(() => server.Tails.Single().Truncated, "the truncation seen");
        File.Delete(log);

        // Closed once drained and Discovery.RotateWait after the deletion was seen.
        await Eventually.TrueAsync(() => server.Tails.Count == 0, "the deleted file closed", Discovery.RotateWait + TimeSpan.FromSeconds(10));
        var metrics = AgentMetricsText.Of(new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));
        await server.StopAsync(CancellationToken.None);

        Assert.Contains("nodeagent_log_truncations_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_bytes_lost_total{reason=\"truncated\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_open 0\n", metrics, StringComparison.Ordinal);
        Assert.Equal(10, output.DeliveredOffsets.Count);
    }
}
