using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed partial class QdiscCollectorTests : IDisposable
{
    private readonly TempDirectory _fixtures = new();

    public QdiscCollectorTests() => _fixtures.Write("results.json",
        """
        [
            {"IfaceName": "wlan0", "Bytes": 42, "Packets": 41, "Requeues": 1, "Kind": "fq", "Drops": 1, "Qlen": 2, "Backlog": 300, "Overlimits": 4},
            {"IfaceName": "eth0", "Bytes": 83, "Packets": 83, "Requeues": 2, "Kind": "pfifo_fast"},
            {"IfaceName": "eth0", "Parent": 65537, "Bytes": 9, "Kind": "fq_codel"},
            {"IfaceName": "docker0", "Kind": "noqueue"}
        ]
        """);

    public void Dispose() => _fixtures.Dispose();

    private QdiscCollector Collector(Regex? include = null, Regex? exclude = null) => new(new QdiscOptions(_fixtures.Path, include, exclude));

    [Fact]
    public void The_fixture_gives_each_root_qdisc_by_device_and_kind()
    {
        var (result, text) = CollectorHarness.Collect(Collector(include: new Regex("(wlan0|eth0)")));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_qdisc_backlog Number of bytes currently in queue to be sent.
            # TYPE node_qdisc_backlog gauge
            node_qdisc_backlog{device="eth0",kind="pfifo_fast"} 0
            node_qdisc_backlog{device="wlan0",kind="fq"} 300
            # HELP node_qdisc_bytes_total Number of bytes sent.
            # TYPE node_qdisc_bytes_total counter
            node_qdisc_bytes_total{device="eth0",kind="pfifo_fast"} 83
            node_qdisc_bytes_total{device="wlan0",kind="fq"} 42
            # HELP node_qdisc_current_queue_length Number of packets currently in queue to be sent.
            # TYPE node_qdisc_current_queue_length gauge
            node_qdisc_current_queue_length{device="eth0",kind="pfifo_fast"} 0
            node_qdisc_current_queue_length{device="wlan0",kind="fq"} 2
            # HELP node_qdisc_drops_total Number of packets dropped.
            # TYPE node_qdisc_drops_total counter
            node_qdisc_drops_total{device="eth0",kind="pfifo_fast"} 0
            node_qdisc_drops_total{device="wlan0",kind="fq"} 1
            # HELP node_qdisc_overlimits_total Number of overlimit packets.
            # TYPE node_qdisc_overlimits_total counter
            node_qdisc_overlimits_total{device="eth0",kind="pfifo_fast"} 0
            node_qdisc_overlimits_total{device="wlan0",kind="fq"} 4
            # HELP node_qdisc_packets_total Number of packets sent.
            # TYPE node_qdisc_packets_total counter
            node_qdisc_packets_total{device="eth0",kind="pfifo_fast"} 83
            node_qdisc_packets_total{device="wlan0",kind="fq"} 41
            # HELP node_qdisc_requeues_total Number of packets dequeued, not transmitted, and requeued.
            # TYPE node_qdisc_requeues_total counter
            node_qdisc_requeues_total{device="eth0",kind="pfifo_fast"} 2
            node_qdisc_requeues_total{device="wlan0",kind="fq"} 1

            """, text);
    }

    [Fact]
    public void The_exclude_drops_devices_and_without_a_filter_every_root_qdisc_is_reported()
    {
        Assert.Equal(
            ["node_qdisc_bytes_total{device=\"docker0\",kind=\"noqueue\"} 0", "node_qdisc_bytes_total{device=\"eth0\",kind=\"pfifo_fast\"} 83", "node_qdisc_bytes_total{device=\"wlan0\",kind=\"fq\"} 42"],
            Bytes(CollectorHarness.Collect(Collector()).Text));
        Assert.Equal(
            ["node_qdisc_bytes_total{device=\"eth0\",kind=\"pfifo_fast\"} 83"],
            Bytes(CollectorHarness.Collect(Collector(exclude: new Regex("^(wlan|docker)"))).Text));
    }

    [Fact]
    public void Include_and_exclude_together_are_refused_as_node_exporter_refuses_them() =>
        Assert.Throws<ArgumentException>(() => Collector(new Regex("a"), new Regex("b")));

    [Fact]
    public void It_is_off_by_default_and_a_fixture_directory_without_results_is_an_error()
    {
        Assert.False(QdiscCollector.Descriptor.EnabledByDefault);
        File.Delete(Path.Join(_fixtures.Path, "results.json"));
        Assert.Throws<FileNotFoundException>(() => CollectorHarness.Collect(Collector()));
    }

    /// <summary>
    /// The real-host path: an rtnetlink dump of this machine's qdiscs, checked against iproute2's <c>tc</c>, which asks
    /// the kernel the same question. Counters move between the calls, so each of ours lies between tc's before and after.
    /// </summary>
    [ToolFact("tc")]
    public void On_a_host_the_root_qdiscs_are_the_kernels_as_tc_reports_them()
    {
        var before = TcRoots();
        var (result, text) = CollectorHarness.Collect(new QdiscCollector());
        var after = TcRoots();

        Assert.Equal(CollectResult.Success, result);
        var ours = Bytes(text).Select(s => Sample().Match(s)).ToDictionary(m => (m.Groups[1].Value, m.Groups[2].Value), m => ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.NotEmpty(ours);
        Assert.Equal(before.Keys.Order(), ours.Keys.Order());
        Assert.All(ours, pair => Assert.InRange(pair.Value, before[pair.Key], after[pair.Key]));
    }

    private static List<string> Bytes(string text) =>
        [.. CollectorHarness.Samples(text).Where(s => s.StartsWith("node_qdisc_bytes_total", StringComparison.Ordinal))];

    private static Dictionary<(string, string), ulong> TcRoots()
    {
        var info = new ProcessStartInfo(RequiredTool.Path("tc"), ["-s", "-j", "qdisc", "show"]) { RedirectStandardOutput = true };
        using var tc = Process.Start(info)!;
        var json = tc.StandardOutput.ReadToEnd();
        tc.WaitForExit();
        Assert.Equal(0, tc.ExitCode);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Where(q => q.TryGetProperty("root", out var root) && root.GetBoolean())
            .ToDictionary(q => (q.GetProperty("dev").GetString()!, q.GetProperty("kind").GetString()!), q => q.GetProperty("bytes").GetUInt64());
    }

    [GeneratedRegex("""^node_qdisc_bytes_total\{device="([^"]*)",kind="([^"]*)"\} (\d+)$""")]
    private static partial Regex Sample();
}
