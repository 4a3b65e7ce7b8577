using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Hosting;
using NodeAgent.Kubernetes;
using NodeAgent.Tailing;
using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// The real reading loop opens only regular files whose resolved path lies under an allowed root: a tenant that can
/// write under /var/log/pods and swaps its 0.log for a link to a host file, a FIFO, a socket or a device gets nothing
/// read, the refusal is counted once per path, and the other pods' lines keep flowing (the "pod escape through log
/// mounts" class).
/// </summary>
public sealed class ConfinementTests : IDisposable
{
    private const string Secret = "root:$6$TOPSECRETHASH$abcdefghijklmnopqrstuvwxyz0123456789:19000:0:99999:7:::\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Line(string message) => $"2026-11-28T10:15:00.000000001Z stdout F {message} (padded to be longer than a fingerprint)\n";

    private string PodLog(string pod, string content = "") => _dir.Write($"pods/shop_{pod}_0f1e2d3c/app/0.log", content);

    private string SecretFile(string relative = "host/etc/shadow") => _dir.Write(relative, Secret + Secret);

    /// <summary>Replaces a pod's log with a link, as a tenant with write access to its log directory can.</summary>
    private static void LinkInstead(string path, string target)
    {
        File.Delete(path);
        File.CreateSymbolicLink(path, target);
    }

    [Fact]
    public async Task A_pod_log_linked_to_a_host_file_is_refused_counted_once_and_never_read()
    {
        PodLog("web_1", Line("good"));
        LinkInstead(PodLog("evil_2"), SecretFile());

        var run = await OnlyTheGoodLineIsReadAsync("outside_allowed_roots", refused: 1);

        Assert.DoesNotContain(run.Messages, m => m.Contains("TOPSECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_link_into_another_allowed_root_is_followed_as_cri_dockerd_links_are()
    {
        // cri-dockerd: /var/log/pods/<pod>/<container>/0.log links to /var/lib/docker/containers/<id>/<id>-json.log.
        var id = new string('d', 64);
        var json = _dir.Write($"docker/{id}/{id}-json.log", "{\"log\":\"from docker, padded to be longer than a fingerprint\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-28T10:15:00.000000001Z\"}\n");
        LinkInstead(PodLog("web_1"), json);
        var allowed = Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:AllowedRoots:0={_dir.Path}/pods", $"--Logs:AllowedRoots:1={_dir.Path}/docker");

        var run = await RunAsync(allowed, r => r.Any());

        Assert.Equal(["from docker, padded to be longer than a fingerprint"], run.Messages);
        Assert.DoesNotContain("nodeagent_log_files_refused_total", run.Metrics, StringComparison.Ordinal);

        // The same tree without the docker root configured: the link leads outside.
        var confined = Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state2");
        var refused = await RunAsync(confined, _ => false, TimeSpan.FromSeconds(1));
        Assert.Empty(refused.Messages);
        Assert.Contains("nodeagent_log_files_refused_total{reason=\"outside_allowed_roots\"} 1\n", refused.Metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dot_dot_in_a_link_does_not_escape_the_roots()
    {
        SecretFile();
        PodLog("web_1", Line("good"));

        // Relative: from pods/<pod>/app/ three levels up is the tree's top, beside pods/.
        LinkInstead(PodLog("evil_2"), "../../../host/etc/shadow");

        // Absolute, and lexically under the pods root: only the resolved path tells.
        LinkInstead(PodLog("evil_3"), $"{_dir.Path}/pods/shop_evil_3_0f1e2d3c/../../host/etc/shadow");

        await OnlyTheGoodLineIsReadAsync("outside_allowed_roots", refused: 2);
    }

    [Fact]
    public async Task A_directory_beside_a_root_whose_name_starts_like_it_is_outside()
    {
        PodLog("web_1", Line("good"));
        var sibling = _dir.Write("pods-evil/x/0.log", Line("TOPSECRET sibling"));
        LinkInstead(PodLog("evil_2"), sibling);

        await OnlyTheGoodLineIsReadAsync("outside_allowed_roots", refused: 1);
    }

    [Fact]
    public async Task A_fifo_named_0_log_neither_blocks_the_loop_nor_is_opened_even_in_a_container_directory_at_restart()
    {
        var live = PodLog("web_1", Line("a1"));
        var options = Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log");
        var first = await RunAsync(options, r => r.Any());
        Assert.Equal(["a1"], first.Messages.Select(First));

        // While the agent is down the file is rotated and the tenant puts a FIFO where the new 0.log would be: the
        // restart looks through the container's directory for the rotated file and meets the FIFO first.
        File.AppendAllText(live, Line("a2"));
        File.Move(live, live + ".20261128-101500");
        MakeFifo(live);
        try
        {
            var other = PodLog("api_2");
            var second = await RunAsync(options, r => r.Count() >= 2, afterStart: async () =>
            {
                await Task.Delay(100);
                File.AppendAllText(other, Line("b1"));
            });

            Assert.Equal(["a2", "b1"], second.Messages.Select(First).Order(StringComparer.Ordinal));
            Assert.Contains("nodeagent_log_files_refused_total{reason=\"not_regular_file\"} 1\n", second.Metrics, StringComparison.Ordinal);
        }
        finally
        {
            // Had the loop opened the FIFO it would still wait for a writer: opening it read-write (never blocks on
            // Linux) lets that thread go.
            using (File.OpenHandle(live, FileMode.Open, FileAccess.ReadWrite))
            {
            }
        }
    }

    [Fact]
    public async Task At_restart_a_checkpointed_log_now_linked_outside_does_not_make_its_target_directory_a_container_directory()
    {
        var live = PodLog("web_1", Line("a1"));
        var options = Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log");
        var first = await RunAsync(options, r => r.Any());
        Assert.Equal(["a1"], first.Messages.Select(First));

        // While the agent is down the tenant links its log to a host file; its directory holds other host files.
        _dir.Write("host/etc/passwd", Secret);
        _dir.Write("host/etc/group", Secret);
        LinkInstead(live, SecretFile());

        var second = await RunAsync(options, _ => false, TimeSpan.FromSeconds(1));

        Assert.Empty(second.Messages);
        Assert.Contains("nodeagent_log_files_refused_total{reason=\"outside_allowed_roots\"} 1\n", second.Metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_and_a_link_to_a_device_are_refused()
    {
        PodLog("web_1", Line("good"));
        var socketPath = PodLog("sock_2");
        File.Delete(socketPath);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        LinkInstead(PodLog("dev_3"), "/dev/zero");

        await OnlyTheGoodLineIsReadAsync("not_regular_file", refused: 2);
    }

    [Fact]
    public async Task A_file_refused_then_fixed_is_read_and_a_path_no_longer_listed_is_forgotten()
    {
        var evil = PodLog("evil_2");
        LinkInstead(evil, SecretFile());
        var options = Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log");

        var run = await RunAsync(options, r => r.Any(m => m.Contains("fixed", StringComparison.Ordinal)), afterStart: async () =>
        {
            await Task.Delay(500);
            File.Delete(evil);
            await Task.Delay(500);

            // Listed again after it was gone: a new refusal, counted again.
            File.CreateSymbolicLink(evil, Path.Combine(_dir.Path, "host/etc/shadow"));
            await Task.Delay(500);
            File.Delete(evil);
            File.WriteAllText(evil, Line("fixed"));
        });

        Assert.Equal(["fixed"], run.Messages.Select(First));
        Assert.Contains("nodeagent_log_files_refused_total{reason=\"outside_allowed_roots\"} 2\n", run.Metrics, StringComparison.Ordinal);
    }

    private static string First(string message) => message.Split(" (")[0];

    /// <summary>Runs the loop over the pods tree until the pod that wrote "good" is read, and checks that its line is
    /// all that was read and that <paramref name="refused"/> paths were refused for <paramref name="reason"/>.</summary>
    private async Task<Run> OnlyTheGoodLineIsReadAsync(string reason, int refused)
    {
        var options = Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log");

        var run = await RunAsync(options, r => r.Any(m => m.Contains("good", StringComparison.Ordinal)));

        Assert.Equal(["good"], run.Messages.Select(First));
        Assert.Contains($"nodeagent_log_files_refused_total{{reason=\"{reason}\"}} {refused}\n", run.Metrics, StringComparison.Ordinal);
        return run;
    }

    private AgentOptions Options(params string[] arguments) =>
        TailingHarness.Options([.. arguments.Concat([$"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms", "--Logs:PartialFlushTimeout=200ms"])
            .DistinctBy(a => a.Split('=')[0], StringComparer.Ordinal)]);

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private sealed record Run(List<string> Messages, string Metrics);

    /// <summary>Runs the loop until <paramref name="done"/> holds (or <paramref name="timeout"/>), then a few polls
    /// more so a refusal has every chance to be counted twice; stops within seconds even if the loop is stuck.</summary>
    private static async Task<Run> RunAsync(AgentOptions options, Func<IEnumerable<string>, bool> done, TimeSpan? timeout = null, Func<Task>? afterStart = null)
    {
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        var statistics = new TailStatistics();
        using var server = TailingHarness.Server(options, output, budget, statistics);
        await server.StartAsync(CancellationToken.None);
        if (afterStart is not null)
        {
            await afterStart();
        }

        // The callers' assertions on what was read say more than a timeout would.
        await Eventually.HoldsWithinAsync(() => done(output.Messages), timeout ?? TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await server.StopAsync(stopping.Token);

        var buffer = new ArrayBufferWriter<byte>();
        new TailMetrics(server, statistics, new PodEnricher(options.Kubernetes, false, null), budget, TimeProvider.System).Write(new MetricWriter(buffer, ExpositionFormat.PrometheusText));
        return new Run([.. output.Messages], Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

}
