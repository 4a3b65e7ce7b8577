using System.Globalization;
using NodeAgent.Delivery;
using NodeAgent.Tailing;
using NodeAgent.Telemetry;
using NodeAgent.TestSupport;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// The reading loop's hand-out under a full budget and a failing output, over real files: the room an output frees
/// goes round the files; records an output failed to take are handed out again, never skipped; a file closed by
/// <c>Logs:MaxOpenFiles</c> counts every byte not handed to the output as lost, not only the bytes never read.
/// </summary>
public sealed class TurnOrderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Backlog(string container, int lines) =>
        _dir.Write($"pods/ns_{container}_uid/app/0.log", string.Concat(Enumerable.Range(0, lines).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{i:000000000}Z stdout F {container} line {i:000000} with some padding to make it longer\n"))));

    [Fact]
    public async Task The_room_a_slow_output_frees_goes_round_the_files()
    {
        const int lines = 30_000;
        var first = Backlog("a", lines);
        var second = Backlog("b", lines);
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state",
            "--Logs:MaxLineBytes=16KiB", "--Logs:MaxMessageBytes=16KiB", "--Logs:MaxBufferedBytes=64KiB", "--Logs:PollInterval=100ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput(budget) { Stalled = true };
        using var server = TailingHarness.Server(options, output, budget);
        await server.StartAsync(CancellationToken.None);

        // The output frees its room now and then, as a slow Elasticsearch does, until a fifth of all lines are through.
        // This loop drives the output (its pace is the test's), it does not wait on a condition.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        int a = 0, b = 0;
        while (a + b < 2 * lines / 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
            output.Release();
            a = output.DeliveredByFile.GetValueOrDefault(first);
            b = output.DeliveredByFile.GetValueOrDefault(second);
        }

        await server.StopAsync(CancellationToken.None);

        // Each file got about half (a quantum, 256 KiB, is ~2,000 lines); the first file listed took nearly all before.
        Assert.True(Math.Min(a, b) > (a + b) / 4, $"delivered {a} lines of the first file and {b} of the second");
    }

    [Fact]
    public async Task Records_an_output_failed_to_take_are_handed_out_again()
    {
        const int lines = 5_000;
        var log = Backlog("a", lines);
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=100ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput(budget) { FailOnCalls = [3, 4, 40] };
        var statistics = new TailStatistics();
        var errors = new InternalErrors();
        using var server = TailingHarness.Server(options, output, budget, statistics, errors: errors);
        await server.StartAsync(CancellationToken.None);
        await Eventually.ValueAsync(() => output.DeliveredOffsets.Distinct().Count(), n => n >= lines, "every line delivered", TimeSpan.FromSeconds(30));

        var tail = Assert.Single(server.Tails);
        var committed = tail.Acks.Committed;
        var metrics = AgentMetricsText.Of(errors, new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));
        await server.StopAsync(CancellationToken.None);

        // Each failure ended a turn of the loop, counted and gone on from; the lines were read once, handed out again.
        Assert.Contains("nodeagent_internal_errors_total{component=\"logs\"} 3\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_internal_errors_total{component=\"checkpoints\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_lines_read_total {lines}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"nodeagent_log_bytes_read_total {new FileInfo(log).Length}\n", metrics, StringComparison.Ordinal);
        Assert.Equal(lines, output.DeliveredOffsets.Distinct().Count());
        Assert.Equal(lines, output.DeliveredOffsets.Count);
        Assert.Equal(new FileInfo(log).Length, committed);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_rotated_file_closed_for_the_open_file_limit_counts_all_it_did_not_hand_out_as_lost()
    {
        var log = Backlog("a", 20_000);
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state",
            "--Logs:MaxOpenFiles=1", "--Logs:MaxLineBytes=16KiB", "--Logs:MaxMessageBytes=16KiB", "--Logs:MaxBufferedBytes=64KiB", "--Logs:PollInterval=50ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput(budget) { Stalled = true };
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);
        await server.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => statistics.BytesRead > 0, "the file read");

        // Rotated while the output is stalled: the next file takes the one handle allowed.
        File.Move(log, log + ".20261128-101500");
        File.WriteAllText(log, "2026-11-28T10:16:00.000000000Z stdout F the next file, long enough to be opened at once\n");
        await Eventually.TrueAsync(() => statistics.Lost["max_open_files"] > 0, "the rotated file closed for the limit");

        Assert.Empty(output.DeliveredOffsets);
        output.Stalled = false;
        output.Release();
        var metrics = AgentMetricsText.Of(new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));
        await server.StopAsync(CancellationToken.None);

        // Nothing of the rotated file was acknowledged when it was closed. What the output held is delivered after;
        // every byte past it is lost and counted, read (records waiting for room in the output) or not.
        var handedOutEnd = output.DeliveredEnds.Where(d => d.File == log).Max(d => d.End);
        Assert.Equal(new FileInfo(log + ".20261128-101500").Length - handedOutEnd, statistics.Lost["max_open_files"]);
        // (Values of a million and more are exposed as Go prints them, 1.79424e+06: compared as numbers.)
        Assert.Equal(new FileInfo(log + ".20261128-101500").Length - handedOutEnd, MetricText.Value(metrics, "nodeagent_log_bytes_lost_total{reason=\"max_open_files\"}"));
        Assert.Contains("nodeagent_log_bytes_lost_total{reason=\"truncated\"} 0\n", metrics, StringComparison.Ordinal);
        // The rotation was seen, the rotated file closed: the new file is the one open.
        Assert.Contains("nodeagent_log_rotations_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_open 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_rotated 0\n", metrics, StringComparison.Ordinal);
        Assert.InRange(handedOutEnd, 1, 128 * 1024);
    }
}
