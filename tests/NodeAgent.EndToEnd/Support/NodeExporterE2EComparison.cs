using System.Globalization;
using System.Text;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// node_exporter's end-to-end comparison, series by series: every sample of the expected output (after the script's
/// <c>skip_re</c>) is equal when a sample of the same name and labels has the same value; every family both sides
/// have must be of the same type. The differences are grouped by the collector that writes each family, for the
/// report <see cref="Report"/> prints (the test's output, and <c>bench/ne_e2e.py</c>'s table).
/// </summary>
internal sealed class NodeExporterE2EComparison
{
    private NodeExporterE2EComparison()
    {
    }

    public int Expected { get; private set; }

    public int Equal { get; private set; }

    public double Percent => Expected == 0 ? 0 : 100.0 * Equal / Expected;

    /// <summary>Expected series the agent serves with another value: (series, expected, served).</summary>
    public List<(string Collector, string Series, double Expected, double Served)> Different { get; } = [];

    public List<(string Collector, string Series)> Missing { get; } = [];

    /// <summary>node_* series the agent serves that the expected output does not have (the agent's own
    /// <c>nodeagent_*</c> families are not node_exporter's and are left out).</summary>
    public List<(string Collector, string Series)> Extra { get; } = [];

    public List<(string Collector, string Family, string Expected, string Served)> TypeDifferences { get; } = [];

    public List<(string Collector, string Family)> HelpDifferences { get; } = [];

    public static NodeExporterE2EComparison Compare(string expectedText, string servedText, System.Text.RegularExpressions.Regex skip)
    {
        var expected = Exposition.Parse(Kept(expectedText, skip));
        var served = Exposition.Parse(Kept(servedText, skip));
        var expectedHelp = Help(expectedText);
        var servedHelp = Help(servedText);
        var result = new NodeExporterE2EComparison();

        var servedSeries = served.Values.SelectMany(f => f.Samples).GroupBy(Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var expectedSeries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in expected.Values.SelectMany(f => f.Samples))
        {
            var key = Key(sample);
            expectedSeries.Add(key);
            result.Expected++;
            var collector = CollectorOf(sample);
            if (!servedSeries.TryGetValue(key, out var value))
            {
                result.Missing.Add((collector, key));
            }
            else if (value.Equals(sample.Value))
            {
                result.Equal++;
            }
            else
            {
                result.Different.Add((collector, key, sample.Value, value));
            }
        }

        foreach (var sample in served.Values.SelectMany(f => f.Samples))
        {
            if (!sample.Name.StartsWith("nodeagent_", StringComparison.Ordinal) && !expectedSeries.Contains(Key(sample)))
            {
                result.Extra.Add((CollectorOf(sample), Key(sample)));
            }
        }

        foreach (var family in expected.Values.Where(f => !skip.IsMatch(f.Name)))
        {
            if (served.TryGetValue(family.Name, out var ours) && ours.Samples.Count > 0)
            {
                var collector = CollectorOf(family.Name);
                if (ours.Type != family.Type)
                {
                    result.TypeDifferences.Add((collector, family.Name, family.Type, ours.Type));
                }

                if (expectedHelp.GetValueOrDefault(family.Name) != servedHelp.GetValueOrDefault(family.Name))
                {
                    result.HelpDifferences.Add((collector, family.Name));
                }
            }
        }

        return result;
    }

    /// <summary>The percentage line, a table per collector, <paramref name="notes"/>, then every difference under its
    /// collector (each section starting with a line <c>== collector</c>).</summary>
    public string Report(string notes)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"node_exporter end-to-end: {Equal} of {Expected} expected series equal ({Percent:F1}%); ")
            .Append(CultureInfo.InvariantCulture, $"{Different.Count} with another value, {Missing.Count} missing, {Extra.Count} extra; ")
            .Append(CultureInfo.InvariantCulture, $"{TypeDifferences.Count} families of another type, {HelpDifferences.Count} with another HELP\n\n");

        var collectors = Missing.Select(m => m.Collector).Concat(Different.Select(d => d.Collector)).Concat(Extra.Select(e => e.Collector))
            .Concat(TypeDifferences.Select(t => t.Collector)).Concat(HelpDifferences.Select(h => h.Collector)).Distinct().Order(StringComparer.Ordinal).ToList();
        text.Append(CultureInfo.InvariantCulture, $"{"collector",-20} {"missing",8} {"different",10} {"extra",6} {"type",5} {"help",5}\n");
        foreach (var c in collectors.OrderByDescending(c => Missing.Count(m => m.Collector == c) + Different.Count(d => d.Collector == c)).ThenBy(c => c, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{c,-20} {Missing.Count(m => m.Collector == c),8} {Different.Count(d => d.Collector == c),10} ")
                .Append(CultureInfo.InvariantCulture, $"{Extra.Count(e => e.Collector == c),6} {TypeDifferences.Count(t => t.Collector == c),5} {HelpDifferences.Count(h => h.Collector == c),5}\n");
        }

        text.Append('\n').Append(notes);
        foreach (var c in collectors)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n== {c}\n");
            foreach (var t in TypeDifferences.Where(t => t.Collector == c))
            {
                text.Append(CultureInfo.InvariantCulture, $"type  {t.Family}: expected {t.Expected}, served {t.Served}\n");
            }

            foreach (var h in HelpDifferences.Where(h => h.Collector == c))
            {
                text.Append(CultureInfo.InvariantCulture, $"help  {h.Family}\n");
            }

            foreach (var d in Different.Where(d => d.Collector == c))
            {
                text.Append(CultureInfo.InvariantCulture, $"value {d.Series}: expected {d.Expected.ToString("R", CultureInfo.InvariantCulture)}, served {d.Served.ToString("R", CultureInfo.InvariantCulture)}\n");
            }

            foreach (var m in Missing.Where(m => m.Collector == c))
            {
                text.Append(CultureInfo.InvariantCulture, $"-     {m.Series}\n");
            }

            foreach (var e in Extra.Where(e => e.Collector == c))
            {
                text.Append(CultureInfo.InvariantCulture, $"+     {e.Series}\n");
            }
        }

        return text.ToString();
    }

    // What the script's `grep -E -v "${skip_re}"` keeps: every line that does not match, comments included.
    private static string Kept(string text, System.Text.RegularExpressions.Regex skip) =>
        string.Join('\n', text.Split('\n').Where(l => !skip.IsMatch(l)));

    private static Dictionary<string, string> Help(string text) =>
        text.Split('\n').Where(l => l.StartsWith("# HELP ", StringComparison.Ordinal))
            .Select(l => l["# HELP ".Length..].Split(' ', 2))
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First().ElementAtOrDefault(1) ?? "", StringComparer.Ordinal);

    private static string Key(Sample sample) => $"{sample.Name}{{{sample.LabelKey}}}";

    private static string CollectorOf(Sample sample) =>
        sample.Name == "node_scrape_collector_success" && sample.Labels.TryGetValue("collector", out var c) ? c : CollectorOf(sample.Name);

    /// <summary>The node_exporter collector that writes a family: the longest prefix of <see cref="Prefixes"/>.</summary>
    public static string CollectorOf(string family)
    {
        var (best, collector) = ("", "other");
        foreach (var (prefix, name) in Prefixes)
        {
            if (prefix.Length > best.Length && family.StartsWith(prefix, StringComparison.Ordinal))
            {
                (best, collector) = (prefix, name);
            }
        }

        return collector;
    }

    // Families are named after their collector but for these (node_exporter's collector/*.go): stat's top-level
    // families, cpufreq's node_cpu_* (but node_cpu_frequency_hertz, which cpu writes from /proc/cpuinfo with
    // --collector.cpu.info), netclass's and netdev's node_network_*, the textfile fixture's own metrics, and
    // node_exporter's HTTP handler (promhttp).
    private static readonly (string Prefix, string Collector)[] Prefixes =
    [
        .. new[]
        {
            "arp", "bcache", "bcachefs", "bonding", "btrfs", "buddyinfo", "cgroups", "cpu", "cpu_vulnerabilities", "dmi", "dmmultipath", "drbd",
            "edac", "entropy", "fibrechannel", "filefd", "filesystem", "hwmon", "infiniband", "interrupts", "ipvs", "kernel_hung", "ksmd",
            "lnstat", "mountstats", "netstat", "nfs", "nfsd", "nvme", "os", "pcidevice", "pressure", "processes", "qdisc", "rapl", "schedstat",
            "selinux", "slabinfo", "sockstat", "softnet", "sysctl", "textfile", "thermal_zone", "timex", "udp_queues", "uname", "vmstat",
            "watchdog", "wifi", "xfrm", "xfs", "zfs", "zoneinfo",
        }.Select(c => ($"node_{c}_", c)),
        ("node_boot_time_seconds", "stat"), ("node_context_switches_total", "stat"), ("node_forks_total", "stat"), ("node_intr_total", "stat"),
        ("node_procs_", "stat"), ("node_softirqs_total", "stat"), ("node_softirqs_functions_total", "softirqs"),
        ("node_cpu_frequency_", "cpufreq"), ("node_cpu_frequency_hertz", "cpu"), ("node_cpu_scaling_", "cpufreq"),
        ("node_cooling_device_", "thermal_zone"), ("node_disk_", "diskstats"), ("node_load", "loadavg"), ("node_md_", "mdadm"),
        ("node_memory_", "meminfo"), ("node_memory_numa_", "meminfo_numa"), ("node_nf_conntrack_", "conntrack"),
        ("node_network_", "netclass"), ("node_network_receive_", "netdev"), ("node_network_transmit_", "netdev"),
        ("node_network_transmit_queue_length", "netclass"), ("node_network_address_info", "netdev"),
        ("node_power_supply_", "powersupplyclass"), ("node_tape_", "tapestats"), ("node_time_", "time"), ("node_exporter_", "exporter"),
        ("node_scrape_", "exporter"), ("promhttp_", "exporter"), ("testmetric", "textfile"),
    ];
}
