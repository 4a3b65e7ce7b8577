using System.Globalization;
using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class CpuCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private CollectorContext TreeContext() =>
        CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), Path.Join(_tree.Path, "sys"), Path.Join(_tree.Path, "root")));

    // One scrape after writing /proc/stat; returns node_cpu_seconds_total{cpu="N"} by mode.
    private Dictionary<string, double> Scrape(CpuCollector collector, string stat, string cpu = "0")
    {
        _tree.Write("proc/stat", stat);
        var (result, text) = CollectorHarness.Collect(collector);
        Assert.Equal(CollectResult.Success, result);
        var prefix = $"node_cpu_seconds_total{{cpu=\"{cpu}\",mode=\"";
        return CollectorHarness.Samples(text)
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(l => l[prefix.Length..l.IndexOf('"', prefix.Length)], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_fixture_gives_times_guest_and_throttles_in_registry_order()
    {
        var (result, text) = CollectorHarness.Collect(new CpuCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_cpu_core_throttles_total Number of times this CPU core has been throttled.
            # TYPE node_cpu_core_throttles_total counter
            node_cpu_core_throttles_total{core="0",package="0"} 5
            node_cpu_core_throttles_total{core="1",package="0"} 3
            # HELP node_cpu_guest_seconds_total Seconds the CPUs spent in guests (VMs) for each mode.
            # TYPE node_cpu_guest_seconds_total counter
            node_cpu_guest_seconds_total{cpu="0",mode="nice"} 0
            node_cpu_guest_seconds_total{cpu="0",mode="user"} 0
            node_cpu_guest_seconds_total{cpu="1",mode="nice"} 0
            node_cpu_guest_seconds_total{cpu="1",mode="user"} 0
            # HELP node_cpu_package_throttles_total Number of times this CPU package has been throttled.
            # TYPE node_cpu_package_throttles_total counter
            node_cpu_package_throttles_total{package="0"} 17
            # HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="0",mode="idle"} 981.89
            node_cpu_seconds_total{cpu="0",mode="iowait"} 0.95
            node_cpu_seconds_total{cpu="0",mode="irq"} 0
            node_cpu_seconds_total{cpu="0",mode="nice"} 0
            node_cpu_seconds_total{cpu="0",mode="softirq"} 3.7
            node_cpu_seconds_total{cpu="0",mode="steal"} 0
            node_cpu_seconds_total{cpu="0",mode="system"} 98.58
            node_cpu_seconds_total{cpu="0",mode="user"} 311.17
            node_cpu_seconds_total{cpu="1",mode="idle"} 885.62
            node_cpu_seconds_total{cpu="1",mode="iowait"} 3.52
            node_cpu_seconds_total{cpu="1",mode="irq"} 0
            node_cpu_seconds_total{cpu="1",mode="nice"} 0
            node_cpu_seconds_total{cpu="1",mode="softirq"} 2.54
            node_cpu_seconds_total{cpu="1",mode="steal"} 0
            node_cpu_seconds_total{cpu="1",mode="system"} 118.12
            node_cpu_seconds_total{cpu="1",mode="user"} 386.23

            """,
            text);
    }

    [Fact]
    public void A_small_backward_jump_keeps_the_old_value_of_that_column_only()
    {
        var cpu = new CpuCollector(TreeContext());
        Scrape(cpu, "cpu0 1000 0 500 90000 700 0 10 0 0 0\n");

        // iowait decreases (a known kernel artefact); idle also slips back by 2.99 s, under the 3 s hotplug limit.
        var second = Scrape(cpu, "cpu0 1100 0 510 89701 650 0 11 0 0 0\n");

        Assert.Equal(7, second["iowait"]);
        Assert.Equal(900, second["idle"]);
        Assert.Equal(11, second["user"]);
        Assert.Equal(5.1, second["system"]);
        Assert.Equal(0.11, second["softirq"]);

        // The next forward value is taken again as soon as it is not smaller.
        var third = Scrape(cpu, "cpu0 1200 0 520 90100 701 0 12 0 0 0\n");
        Assert.Equal(7.01, third["iowait"]);
        Assert.Equal(901, third["idle"]);
    }

    [Theory]
    [InlineData(89700)] // exactly 3 s back: the rule is >=
    [InlineData(100)] // far back, as after CPU hot-unplug and re-plug
    public void Idle_falling_by_three_seconds_or_more_resets_the_cpu(int idleTicks)
    {
        var cpu = new CpuCollector(TreeContext());
        Scrape(cpu, "cpu0 1000 0 500 90000 700 0 10 0 0 0\n");

        var reset = Scrape(cpu, $"cpu0 40 0 20 {idleTicks} 3 0 1 0 0 0\n");

        Assert.Equal(idleTicks / 100.0, reset["idle"]);
        Assert.Equal(0.4, reset["user"]);
        Assert.Equal(0.03, reset["iowait"]);
    }

    [Fact]
    public void Each_cpu_is_tracked_on_its_own_and_an_offline_cpu_is_forgotten()
    {
        var cpu = new CpuCollector(TreeContext());
        Scrape(cpu, "cpu0 100 0 0 1000 50 0 0 0 0 0\ncpu1 200 0 0 2000 60 0 0 0 0 0\n");

        // cpu1 goes offline: its series disappear.
        _tree.Write("proc/stat", "cpu0 110 0 0 1010 40 0 0 0 0 0\n");
        var text = CollectorHarness.Collect(cpu).Text;
        Assert.DoesNotContain("cpu=\"1\"", text, StringComparison.Ordinal);
        Assert.Contains("node_cpu_seconds_total{cpu=\"0\",mode=\"iowait\"} 0.5", text, StringComparison.Ordinal);

        // It comes back with smaller counters: nothing is cached for it any more, so they are taken as they are.
        var back = Scrape(cpu, "cpu0 120 0 0 1020 40 0 0 0 0 0\ncpu1 5 0 0 10 1 0 0 0 0 0\n", cpu: "1");
        Assert.Equal(0.05, back["user"]);
        Assert.Equal(0.1, back["idle"]);
    }

    [Fact]
    public void Guest_time_is_exported_apart_and_not_added_to_the_modes()
    {
        // user 1000 ticks of which guest 400, nice 300 of which guest_nice 100 (the kernel counts guest in both).
        var (_, text) = CollectWith("cpu0 1000 300 200 5000 0 0 0 0 400 100\n", CpuOptions.Default);
        var samples = CollectorHarness.Samples(text);

        Assert.Contains("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"user\"} 4", samples);
        Assert.Contains("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"nice\"} 1", samples);
        Assert.Contains("node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 10", samples);
        var modes = samples.Where(l => l.StartsWith("node_cpu_seconds_total", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, modes.Count);
        Assert.DoesNotContain(modes, l => l.Contains("guest", StringComparison.Ordinal));
        Assert.Equal(65, modes.Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)), 9);
    }

    [Fact]
    public void The_guest_family_can_be_turned_off()
    {
        var (_, text) = CollectWith("cpu0 1 2 3 4 5 6 7 8 9 10\n", CpuOptions.Default with { Guest = false });

        Assert.DoesNotContain("node_cpu_guest_seconds_total", text, StringComparison.Ordinal);
        Assert.Contains("node_cpu_seconds_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Isolated_and_online_cpus_come_from_sysfs_when_cpu0_has_an_online_file()
    {
        _tree.Write("sys/devices/system/cpu/isolated", "1-2,10\n");
        _tree.Write("sys/devices/system/cpu/cpu0/online", "1\n");
        _tree.Write("sys/devices/system/cpu/cpu1/online", "0\n");
        Directory.CreateDirectory(Path.Join(_tree.Path, "sys/devices/system/cpu/cpu10"));
        var (_, text) = CollectWith("cpu0 1 0 0 1 0 0 0 0 0 0\n", CpuOptions.Default);
        var samples = CollectorHarness.Samples(text);

        Assert.Equal(["node_cpu_isolated{cpu=\"1\"} 1", "node_cpu_isolated{cpu=\"10\"} 1", "node_cpu_isolated{cpu=\"2\"} 1"], samples.Where(l => l.StartsWith("node_cpu_isolated", StringComparison.Ordinal)));
        Assert.Equal(["node_cpu_online{cpu=\"0\"} 1", "node_cpu_online{cpu=\"1\"} 0", "node_cpu_online{cpu=\"10\"} 0"], samples.Where(l => l.StartsWith("node_cpu_online", StringComparison.Ordinal)));
        Assert.Contains("# TYPE node_cpu_online gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_cpu0_online_no_online_family_is_written()
    {
        // The fixture, captured on a VM: only cpu1 has an online file.
        Assert.DoesNotContain("node_cpu_online", CollectorHarness.Collect(new CpuCollector(CollectorHarness.Context())).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_scrapes_share_the_cache_safely_and_stay_monotonic()
    {
        var cache = new CpuTimeCache(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Parallel.For(1, 201, i =>
        {
            var ticks = new NodeAgent.Procfs.CpuTicks((ulong)i, 0, 0, (ulong)(1000 + i), (ulong)(i % 7), 0, 0, 0, 0, 0);
            var exported = cache.Update([new NodeAgent.Procfs.CpuLine(0, ticks)]);
            Assert.Single(exported);
        });

        var final = Assert.Single(cache.Update([new NodeAgent.Procfs.CpuLine(0, new NodeAgent.Procfs.CpuTicks(0, 0, 0, 1200, 0, 0, 0, 0, 0, 0))]));
        Assert.Equal(2, final.Seconds.User);
        Assert.Equal(12, final.Seconds.Idle);
        Assert.Equal(0.06, final.Seconds.Iowait);
    }

    [Fact]
    public void An_empty_tree_is_no_data() =>
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new CpuCollector(TreeContext())).Result);

    [Theory]
    [InlineData("cpu0 1 2 three 4\n")]
    [InlineData("cpuA 1 2 3 4\n")]
    public void A_malformed_stat_file_is_an_error_naming_it(string stat)
    {
        _tree.Write("proc/stat", stat);
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new CpuCollector(TreeContext())));
        Assert.Contains("proc/stat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_isolated_list_is_an_error()
    {
        _tree.Write("sys/devices/system/cpu/isolated", "1-x\n");
        Assert.Throws<InvalidDataException>(() => CollectWith("cpu0 1 0 0 1 0 0 0 0 0 0\n", CpuOptions.Default));
    }

    [Fact]
    public void Cpu_info_reports_each_processor_and_the_first_ones_matching_flags_and_bugs_in_registry_order()
    {
        var settings = new CollectorSettings(new Dictionary<string, object?>
        {
            [CpuOptions.InfoOption.Key] = true,
            [CpuOptions.InfoFlagsIncludeOption.Key] = new Regex("^(aes|avx.?|constant_tsc)$"),
            [CpuOptions.InfoBugsIncludeOption.Key] = new Regex("^(cpu_meltdown|spectre_.*)$"),
        }).WithCollectors(new Dictionary<string, bool> { ["cpu"] = true, ["cpufreq"] = true });

        var (result, text) = CollectorHarness.Collect(new CpuCollector(CollectorHarness.Context(), CpuOptions.From(settings)));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_cpu_bug_info The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.
            # TYPE node_cpu_bug_info gauge
            node_cpu_bug_info{bug="cpu_meltdown"} 1
            node_cpu_bug_info{bug="spectre_v1"} 1
            node_cpu_bug_info{bug="spectre_v2"} 1
            node_cpu_bug_info{bug="spectre_v2_user"} 1
            # HELP node_cpu_core_throttles_total Number of times this CPU core has been throttled.
            # TYPE node_cpu_core_throttles_total counter
            node_cpu_core_throttles_total{core="0",package="0"} 5
            node_cpu_core_throttles_total{core="1",package="0"} 3
            # HELP node_cpu_flag_info The `flags` field of CPU information from /proc/cpuinfo taken from the first core.
            # TYPE node_cpu_flag_info gauge
            node_cpu_flag_info{flag="aes"} 1
            node_cpu_flag_info{flag="avx"} 1
            node_cpu_flag_info{flag="avx2"} 1
            node_cpu_flag_info{flag="constant_tsc"} 1
            # HELP node_cpu_frequency_hertz CPU frequency in hertz from /proc/cpuinfo.
            # TYPE node_cpu_frequency_hertz gauge
            node_cpu_frequency_hertz{core="0",cpu="0",package="0"} 2.096022e+09
            node_cpu_frequency_hertz{core="1",cpu="1",package="0"} 2.096022e+09
            # HELP node_cpu_guest_seconds_total Seconds the CPUs spent in guests (VMs) for each mode.
            """, text);
        Assert.Contains(
            """
            # HELP node_cpu_info CPU information from /proc/cpuinfo.
            # TYPE node_cpu_info gauge
            node_cpu_info{cachesize="1024 KB",core="0",cpu="0",family="26",microcode="",model="2",model_name="AMD EPYC",package="0",stepping="1",vendor="AuthenticAMD"} 1
            node_cpu_info{cachesize="1024 KB",core="1",cpu="1",family="26",microcode="",model="2",model_name="AMD EPYC",package="0",stepping="1",vendor="AuthenticAMD"} 1
            # HELP node_cpu_package_throttles_total
            """, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_info_is_off_by_default_and_an_include_pattern_alone_turns_it_on_without_the_frequency_when_cpufreq_is_off()
    {
        Assert.False(CpuOptions.Default.Info);
        var settings = new CollectorSettings(new Dictionary<string, object?> { [CpuOptions.InfoBugsIncludeOption.Key] = new Regex("^mds$") })
            .WithCollectors(new Dictionary<string, bool> { ["cpu"] = true, ["cpufreq"] = false });

        var (_, text) = CollectorHarness.Collect(new CpuCollector(CollectorHarness.Context(), CpuOptions.From(settings)));

        Assert.Contains("node_cpu_info{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("node_cpu_frequency_hertz", text, StringComparison.Ordinal);
        Assert.DoesNotContain("node_cpu_flag_info", text, StringComparison.Ordinal);
        Assert.DoesNotContain("node_cpu_bug_info", text, StringComparison.Ordinal); // the fixture CPU has no mds bug
        Assert.DoesNotContain("node_cpu_info", CollectorHarness.Collect(new CpuCollector(CollectorHarness.Context())).Text, StringComparison.Ordinal);
    }

    private (CollectResult Result, string Text) CollectWith(string stat, CpuOptions options)
    {
        _tree.Write("proc/stat", stat);
        return CollectorHarness.Collect(new CpuCollector(TreeContext(), options));
    }
}
