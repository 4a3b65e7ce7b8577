using System.Collections.Concurrent;
using NodeAgent.Delivery;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>Which files the real loop reads: include globs, minus excludes, never kubelet's rotated names.</summary>
public sealed class DiscoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Line(string message) => $"2026-11-28T10:15:00.000000001Z stdout F {message} (padded to be longer than a fingerprint)\n";

    [Fact]
    public async Task Reads_included_files_but_not_excluded_or_rotated_ones()
    {
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("live"));
        _dir.Write("pods/shop_web_1/nginx/0.log.20261128-101500", Line("rotated"));
        _dir.Write("pods/shop_web_1/nginx/0.log.20261128-091500.gz", "not text");
        _dir.Write("pods/kube-system_dns_2/coredns/0.log", Line("excluded"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/**/*", $"--Logs:Exclude:0={_dir.Path}/pods/kube-system_*/**", $"--Logs:StatePath={_dir.Path}/state");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        using var server = TailingHarness.Server(options, output, budget);

        await server.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => output.Received.Count > 0, "the live file read");
        // Anything excluded or rotated that were read would show up in this time.
        await Task.Delay(1000);
        await server.StopAsync(CancellationToken.None);

        var received = Assert.Single(output.Received);
        Assert.Equal(Path.Combine(_dir.Path, "pods/shop_web_1/nginx/0.log"), received.Path);
        Assert.StartsWith("live", received.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_the_runtime_writes_into_the_renamed_file_before_it_reopens_is_read()
    {
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", Line("before rotation"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);
        await server.StartAsync(CancellationToken.None);
        await Eventually.ValueAsync(() => output.Received.Count, n => n == 1, "one line read");

        // kubelet renames the file and creates the next one; the runtime still writes into the renamed file until it
        // is told to reopen, which comes a moment later.
        File.Move(live, live + ".20261128-101500");
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("after reopen"));
        // The late line comes once the loop has moved on to the new file (its line read).
        await Eventually.ValueAsync(() => output.Received.Count, n => n == 2, "the new file's line read");
        File.AppendAllText(live + ".20261128-101500", Line("late, before reopen"));
        await Eventually.ValueAsync(() => output.Received.Count, n => n == 3, "3 lines read");
        // Within Discovery.RotateWait of the rotation the renamed file is still open, being drained.
        var metrics = AgentMetricsText.Of(new TailMetrics(server, statistics, TailingHarness.NoEnrichment, budget, TimeProvider.System));
        await server.StopAsync(CancellationToken.None);

        Assert.Contains("nodeagent_log_rotations_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_open 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains("nodeagent_log_files_rotated 1\n", metrics, StringComparison.Ordinal);

        Assert.Equal(["after reopen", "before rotation", "late, before reopen"], output.Received.Select(r => r.Message.Split(" (")[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_read_from_head_only_the_first_start_skips_what_files_hold()
    {
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("old history"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:ReadFromHead=false", "--Logs:PollInterval=50ms");

        // A first start stopped before it looked for files leaves the next start a first start too.
        await StopBeforeFirstLookAsync(options);

        // First start on the node: the file's history is skipped; what is written afterwards is read.
        var first = await RunUntilAsync(options, 1, () => File.AppendAllText(Path.Combine(_dir.Path, "pods/shop_web_1/nginx/0.log"), Line("after start")));
        Assert.Equal(["after start"], first.Select(m => m.Message.Split(" (")[0]));

        // A later start: a container that appeared while the agent was down is new, every line of it.
        _dir.Write("pods/shop_api_2/api/0.log", Line("while down 1") + Line("while down 2"));
        var second = await RunUntilAsync(options, 2, () => { });
        Assert.Equal(["while down 1", "while down 2"], second.Select(m => m.Message.Split(" (")[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_restart_reads_a_file_created_and_rotated_while_down_but_not_a_copy_of_one_already_read()
    {
        var container = Path.Combine(_dir.Path, "pods/shop_web_1/nginx");
        var live = Path.Combine(container, "0.log");
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("a1") + Line("a2"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms");
        var first = await RunUntilAsync(options, 2, () => { });
        Assert.Equal(["a1", "a2"], first.Select(m => m.Message.Split(" (")[0]).Order(StringComparer.Ordinal));

        // While the agent is down: logrotate copies the read file aside (copytruncate's copy), kubelet rotates it, a
        // new file is written and rotated too (the agent never saw it under its live name), and another one begins.
        File.Copy(live, live + ".20261128-101500");
        File.Move(live, live + ".20261128-101600");
        File.WriteAllText(live, Line("b1") + Line("b2"));
        File.Move(live, live + ".20261128-101700");
        File.WriteAllText(live, Line("c1"));

        var second = await RunUntilAsync(options, 3, () => { });
        Assert.Equal(["b1", "b2", "c1"], second.Select(m => m.Message.Split(" (")[0]).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// While the agent is down a new container writes its first file, kubelet rotates it and the new file stays empty:
    /// no open file and no checkpoint lead to that directory, the empty file does (the model test found the gap).
    /// </summary>
    [Fact]
    public async Task A_restart_reads_a_file_rotated_while_down_in_a_new_container_whose_live_file_is_empty()
    {
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("a1"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms");
        var first = await RunUntilAsync(options, 1, () => { });
        Assert.Equal(["a1"], first.Select(m => m.Message.Split(" (")[0]));

        var live = _dir.Write("pods/shop_api_2/api/0.log", Line("b1"));
        File.Move(live, live + ".20261128-101500");
        File.WriteAllText(live, "");

        var second = await RunUntilAsync(options, 1, () => { });
        Assert.Equal(["b1"], second.Select(m => m.Message.Split(" (")[0]));
    }

    [Fact]
    public async Task A_start_stopped_before_it_looked_for_files_keeps_the_last_look_so_the_next_start_still_reads_a_file_rotated_unread()
    {
        var live = Path.Combine(_dir.Path, "pods/shop_web_1/nginx/0.log");
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("a1"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms");
        var first = await RunUntilAsync(options, 1, () => { });
        Assert.Equal(["a1"], first.Select(m => m.Message.Split(" (")[0]));

        // While the agent is down, the file is rotated, and a new one is written and rotated too: no checkpoint knows
        // it, and only the last look for files tells it from an old file whose checkpoint expired.
        File.Move(live, live + ".20261128-101500");
        File.WriteAllText(live, Line("b1"));
        File.Move(live, live + ".20261128-101600");
        File.WriteAllText(live, "");

        // A start stopped before its first look for files (a quick restart): what it saves must still say when
        // files were last looked for.
        await StopBeforeFirstLookAsync(options);
        var next = await RunUntilAsync(options, 1, () => { });
        Assert.Equal(["b1"], next.Select(m => m.Message.Split(" (")[0]));
    }

    /// <summary>
    /// A container rotated 30 times, each rotated file compressed away at the next rotation as kubelet does: the saved
    /// checkpoints follow the files on disk (the live one and the last rotated one), not every file the container
    /// ever had (they stayed for a day, Logs:CheckpointExpiry, and a busy node wrote them all every second); every line
    /// is read once, and a restart reads none again.
    /// </summary>
    [Fact]
    public async Task Checkpoints_of_rotated_files_leave_with_the_files()
    {
        var live = Path.Combine(_dir.Path, "pods/shop_web_1/nginx/0.log");
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("g0"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=20ms");
        var output = new TestOutput();
        using (var server = TailingHarness.Server(options, output, new BufferBudget(options.Logs.MaxBufferedBytes)))
        {
            await server.StartAsync(CancellationToken.None);
            await Eventually.ValueAsync(() => output.Received.Count, n => n == 1, "one line read");
            for (var generation = 1; generation <= 30; generation++)
            {
                var rotated = $"{live}.{generation:D4}";
                File.Move(live, rotated);
                File.Delete($"{live}.{generation - 1:D4}");
                File.WriteAllText(live, Line($"g{generation}"));
                await Eventually.ValueAsync(() => output.Received.Count, n => n == generation + 1, $"{generation + 1} lines read");
            }

            // Drained rotated files close Discovery.RotateWait after their rotation (all but the live file and the last
            // rotated one, here); their directories are checked every 20 looks, and checkpoints saved every second.
            await Eventually.ValueAsync(() => SavedCheckpoints().Count, n => n <= 2, "the checkpoints of closed files gone", TimeSpan.FromSeconds(30));

            await server.StopAsync(CancellationToken.None);
        }

        Assert.Equal(31, output.Received.Count);
        Assert.Equal(31, output.Received.Select(r => r.Message).Distinct(StringComparer.Ordinal).Count());
        // The live file and the last rotated one (a leak keeps all 31).
        Assert.InRange(SavedCheckpoints().Count, 1, 2);
        Assert.Empty(await RunUntilAsync(options, 0, () => { }));
    }

    private IReadOnlyList<Checkpoint> SavedCheckpoints() =>
        new CheckpointStore(Path.Combine(_dir.Path, "state"), TimeProvider.System, TimeSpan.FromHours(24),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Load().Checkpoints;

    [Fact]
    public async Task A_file_reached_by_two_include_globs_is_read_once()
    {
        var file = _dir.Write("pods/shop_web_1/nginx/0.log", Line("once"));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "containers"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "containers/web_shop_nginx-0123.log"), file);
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/containers/*.log", $"--Logs:Include:1={_dir.Path}/pods/*/*/*.log",
            $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=20ms");

        var received = await RunUntilAsync(options, 1, () => File.AppendAllText(file, Line("twice?")));

        Assert.Equal(["once", "twice?"], received.Select(r => r.Message.Split(" (")[0]).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A file created and rotated between two looks for files (a container writing faster than kubelet's size limit
    /// per poll, or a look delayed on a busy node) is never listed under its live name: it is found in its container's
    /// directory when the next file there is opened, and read once. Before, its lines were gone without a count.
    /// </summary>
    [Fact]
    public async Task A_file_created_and_rotated_between_two_looks_is_read()
    {
        var live = Path.Combine(_dir.Path, "pods/shop_web_1/nginx/0.log");
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("g1"));
        // Looks 2 s apart: what follows the first line's arrival happens between two of them.
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=2s");
        var output = new TestOutput();
        using var server = TailingHarness.Server(options, output, new BufferBudget(options.Logs.MaxBufferedBytes));
        await server.StartAsync(CancellationToken.None);
        await Eventually.ValueAsync(() => output.Received.Count, n => n == 1, "one line read");

        File.Move(live, live + ".20261128-101500");
        File.WriteAllText(live, Line("g2 a") + Line("g2 b"));
        File.Move(live, live + ".20261128-101501");
        File.WriteAllText(live, Line("g3"));
        await Eventually.ValueAsync(() => output.Received.Count, n => n >= 4, "4 lines read");
        await Task.Delay(500);
        await server.StopAsync(CancellationToken.None);

        Assert.Equal(["g1", "g2 a", "g2 b", "g3"], output.Received.Select(r => r.Message.Split(" (")[0]).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A new container whose first file was written and rotated before the agent looked, and whose new file stays empty
    /// (an empty file is not opened yet): the rotated file is found when the empty one is first seen.
    /// </summary>
    [Fact]
    public async Task A_new_containers_first_file_rotated_before_any_look_is_read_while_the_next_stays_empty()
    {
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("other container"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=2s");
        var output = new TestOutput();
        using var server = TailingHarness.Server(options, output, new BufferBudget(options.Logs.MaxBufferedBytes));
        await server.StartAsync(CancellationToken.None);
        await Eventually.ValueAsync(() => output.Received.Count, n => n == 1, "one line read");

        var live = _dir.Write("pods/shop_api_2/api/0.log", Line("first file a") + Line("first file b"));
        File.Move(live, live + ".20261128-101500");
        File.WriteAllText(live, "");
        await Eventually.ValueAsync(() => output.Received.Count, n => n >= 3, "3 lines read");
        await Task.Delay(300);
        await server.StopAsync(CancellationToken.None);

        Assert.Equal(["first file a", "first file b", "other container"], output.Received.Select(r => r.Message.Split(" (")[0]).Order(StringComparer.Ordinal));
    }

    /// <summary>Starts the loop and stops it before it has looked for files once (a start cancelled at once).</summary>
    private static async Task StopBeforeFirstLookAsync(NodeAgent.Hosting.AgentOptions options)
    {
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        using var server = TailingHarness.Server(options, new TestOutput(), budget);
        await server.StartAsync(new CancellationToken(canceled: true));
        await server.StopAsync(CancellationToken.None);
    }

    private static async Task<List<(string Path, string Message)>> RunUntilAsync(NodeAgent.Hosting.AgentOptions options, int expected, Action afterStart)
    {
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        using var server = TailingHarness.Server(options, output, budget);
        await server.StartAsync(CancellationToken.None);
        // A file opened (one rotated before the start may be read and closed at once).
        await Eventually.TrueAsync(() => server.Tails.Any() || output.Received.Count > 0, "a file opened");
        afterStart();
        // The callers' assertions on what was read say more than a timeout would.
        await Eventually.HoldsWithinAsync(() => output.Received.Count >= expected, TimeSpan.FromSeconds(10));

        // Anything beyond what is expected would show up in this time.
        await Task.Delay(300);
        await server.StopAsync(CancellationToken.None);
        return [.. output.Received];
    }
}
