using System.Text;
using NodeAgent.EndToEnd.Support;
using NodeAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Debian's node_exporter and NodeAgent side by side on the repository's fixture node (tests/fixtures/node), not on
/// this machine: both started with the same node_exporter command line — <c>--path.procfs/sysfs/rootfs/udev.data</c>
/// on a copy of the fixture, <c>--collector.disable-defaults</c> and every collector both implement — and every
/// <c>node_*</c> series compared, name, labels and value, and every family's type. A series one side has and the other
/// has not, or a value that differs, fails the test unless <see cref="NodeExporterFixtureDifferences"/> cites why; so a
/// collector that fails where node_exporter succeeds (<c>node_scrape_collector_success</c> is compared like any
/// series), a dropped disk, interface or mount, or a misread counter is caught, on any machine. Skipped only where the
/// node_exporter binary is missing outside tests/run-all.sh and CI.
/// </summary>
public sealed class NodeExporterFixtureParityTests(ITestOutputHelper output)
{
    /// <summary>The collectors both implement (NodeAgent's bcachefs, cpu_vulnerabilities, kernel_hung and watchdog are
    /// newer than node_exporter 1.5.0). meminfo_numa is off by default in both; the rest are node_exporter's defaults.</summary>
    private static readonly string[] Collectors =
    [
        "arp", "bcache", "bonding", "btrfs", "conntrack", "cpu", "cpufreq", "diskstats", "dmi", "edac", "entropy", "fibrechannel",
        "filefd", "filesystem", "hwmon", "infiniband", "ipvs", "loadavg", "mdadm", "meminfo", "meminfo_numa", "netclass", "netdev",
        "netstat", "nfs", "nfsd", "nvme", "os", "powersupplyclass", "pressure", "rapl", "schedstat", "selinux", "sockstat", "softnet",
        "stat", "tapestats", "textfile", "thermal_zone", "time", "timex", "udp_queues", "uname", "vmstat", "xfs", "zfs",
    ];

    /// <summary>
    /// Options whose default differs between Debian's 1.5.0 and 1.12, given to both as 1.12's defaults (NodeAgent's), so
    /// that both filter alike: Debian patches netdev to leave out <c>lo</c> and the filesystem collector to leave out
    /// /run, /mnt and /media; 1.8.0 (#2898) excludes zram from diskstats; 1.8.0 (#2867) and 1.9.0 (#3021) add
    /// TCPOFOQueue and TCPRcvQDrop to netstat's fields; erofs joined the excluded file system types. 1.5.0 reads
    /// netdev through rtnetlink by default, from the host rather than the fixture, so both are told
    /// <c>--no-collector.netdev.netlink</c>; <c>--collector.cpu.info</c> adds node_cpu_info.
    /// </summary>
    private static readonly string[] Options =
    [
        "--collector.cpu.info",
        "--no-collector.netdev.netlink",
        "--collector.netdev.device-exclude=^$",
        @"--collector.diskstats.device-exclude=^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$",
        "--collector.filesystem.mount-points-exclude=^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
        "--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
            + "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$",
        "--collector.netstat.fields=^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
            + "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|"
            + "Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|"
            + "Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$",
    ];

    [ToolFact(NodeExporterProcess.Tool)]
    public async Task Every_series_of_the_fixture_node_equals_node_exporters_but_for_the_cited_differences()
    {
        using var node = FixtureNodeCopy.Create();
        string[] flags =
        [
            $"--path.procfs={node.Proc}", $"--path.sysfs={node.Sys}", $"--path.rootfs={node.RootFs}", $"--path.udev.data={node.UdevData}",
            $"--collector.textfile.directory={Path.Join(FixtureNodeCopy.RepositoryRoot(), "tests", "fixtures", "textfile", "good")}",
            "--collector.disable-defaults", .. Collectors.Select(c => "--collector." + c), .. Options,
        ];

        await using var exporter = await NodeExporterProcess.StartAsync(flags);
        await using var agent = AgentProcess.Start(["--web.listen-address=127.0.0.1:0", "--Metrics:CollectorTimeout=1m", .. flags]);
        var address = await agent.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient();
        var theirs = Exposition.Parse(await http.GetStringAsync(new Uri(exporter.BaseAddress, "/metrics")));
        var ours = Exposition.Parse(await http.GetStringAsync(new Uri(address, "/metrics")));

        var (problems, report) = Compare(theirs, ours);
        output.WriteLine(report);
        Assert.True(problems.Count == 0, $"{problems.Count} differences from node_exporter without a cited reason:\n"
            + string.Join('\n', problems) + "\n\n" + report);
    }

    /// <summary>Every node_* series of both; the problems (an uncited difference, a type that differs, an exemption
    /// that matched nothing) and a report of what was compared and what each exemption covered.</summary>
    private static (List<string> Problems, string Report) Compare(Dictionary<string, Family> theirs, Dictionary<string, Family> ours)
    {
        var problems = new List<string>();
        var covered = new Dictionary<ParityExemption, int>();
        var theirSeries = Series(theirs, addedLabels: false, problems);
        var ourSeries = Series(ours, addedLabels: true, problems);

        void Differ(SeriesDifference difference, string family, Sample sample, string what)
        {
            if (NodeExporterFixtureDifferences.Cited.FirstOrDefault(e => e.Covers(difference, family, sample.Labels)) is { } exemption)
            {
                covered[exemption] = covered.GetValueOrDefault(exemption) + 1;
            }
            else
            {
                problems.Add($"{sample.Name}{{{sample.LabelKey}}}: {what}");
            }
        }

        var equal = 0;
        foreach (var (key, (family, their)) in theirSeries)
        {
            if (!ourSeries.TryGetValue(key, out var our))
            {
                Differ(SeriesDifference.OnlyNodeExporter, family, their, $"node_exporter {Number(their.Value)}, not served by NodeAgent");
            }
            else if (their.Value.Equals(our.Sample.Value) || NodeExporterFixtureDifferences.IsVolatile(family))
            {
                equal++;
            }
            else
            {
                Differ(SeriesDifference.OtherValue, family, their, $"NodeAgent {Number(our.Sample.Value)}, node_exporter {Number(their.Value)}");
            }
        }

        foreach (var (_, (family, our)) in ourSeries.Where(s => !theirSeries.ContainsKey(s.Key)))
        {
            Differ(SeriesDifference.OnlyNodeAgent, family, our, $"NodeAgent {Number(our.Value)}, not served by node_exporter");
        }

        foreach (var their in theirs.Values.Where(f => f.Name.StartsWith("node_", StringComparison.Ordinal) && f.Samples.Count > 0))
        {
            if (ours.TryGetValue(their.Name, out var our) && our.Samples.Count > 0 && our.Type != their.Type)
            {
                problems.Add($"{their.Name}: type {our.Type}, node_exporter's {their.Type}");
            }
        }

        problems.AddRange(NodeExporterFixtureDifferences.Cited.Where(e => !covered.ContainsKey(e))
            .Select(e => $"exemption no longer needed ({e.Difference} {e.Family}): {e.Reason}"));

        var report = new StringBuilder()
            .Append(FormattableString.Invariant(
                $"node_exporter {theirSeries.Count} node_* series, NodeAgent {ourSeries.Count}; {equal} equal (or volatile). Cited differences:\n"))
            .AppendJoin('\n', covered.OrderBy(c => c.Key.Family, StringComparer.Ordinal)
                .Select(c => $"  {c.Value,4} {c.Key.Difference} {c.Key.Family}: {c.Key.Reason}"));
        return (problems, report.ToString());
    }

    /// <summary>node_* series (with their family) by name and label key; NodeAgent's keyed without the labels
    /// node_exporter added after 1.5.0, which each of its series of such a family must have.</summary>
    private static Dictionary<string, (string Family, Sample Sample)> Series(Dictionary<string, Family> families, bool addedLabels, List<string> problems)
    {
        var series = new Dictionary<string, (string, Sample)>(StringComparer.Ordinal);
        foreach (var family in families.Values.Where(f => f.Name.StartsWith("node_", StringComparison.Ordinal)))
        {
            var added = addedLabels
                ? NodeExporterFixtureDifferences.AddedLabels.Where(a => a.Family(family.Name)).Select(a => a.Label).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var sample in family.Samples)
            {
                foreach (var label in added.Where(l => !sample.Labels.ContainsKey(l)))
                {
                    problems.Add($"{sample.Name}{{{sample.LabelKey}}}: no {label} label");
                }

                var compared = sample with { Labels = sample.Labels.Where(l => !added.Contains(l.Key)).ToDictionary(StringComparer.Ordinal) };
                if (!series.TryAdd(sample.Name + "{" + compared.LabelKey + "}", (family.Name, sample)))
                {
                    problems.Add($"{sample.Name}{{{sample.LabelKey}}}: served twice");
                }
            }
        }

        return series;
    }

    private static string Number(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
