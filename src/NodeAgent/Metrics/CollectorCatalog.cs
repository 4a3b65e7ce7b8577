namespace NodeAgent.Metrics;

/// <summary>
/// node_exporter's collector names on Linux and whether node_exporter 1.12 enables each by default. It is the closed
/// set that <c>Metrics:Collectors:&lt;name&gt;</c> accepts, so a typo is an error and not a silent no-op.
/// </summary>
internal static class CollectorCatalog
{
    public static readonly IReadOnlyList<string> EnabledByDefault =
    [
        "arp", "bcache", "bcachefs", "bonding", "btrfs", "conntrack", "cpu", "cpufreq", "diskstats", "dmi",
        "edac", "entropy", "fibrechannel", "filefd", "filesystem", "hwmon", "infiniband", "ipvs", "kernel_hung",
        "loadavg", "mdadm", "meminfo", "netclass", "netdev", "netstat", "nfs", "nfsd", "nvme", "os",
        "powersupplyclass", "pressure", "rapl", "schedstat", "selinux", "sockstat", "softnet", "stat", "tapestats",
        "textfile", "thermal_zone", "time", "timex", "udp_queues", "uname", "vmstat", "watchdog", "xfs", "zfs",
    ];

    public static readonly IReadOnlyList<string> DisabledByDefault =
    [
        "buddyinfo", "cgroups", "cpu_vulnerabilities", "dmmultipath", "drbd", "drm", "ethtool", "interrupts", "ksmd",
        "lnstat", "logind", "meminfo_numa", "mountstats", "network_route", "ntp", "nvmesubsystem", "pcidevice", "perf",
        "processes", "qdisc", "runit", "slabinfo", "softirqs", "supervisord", "swap", "sysctl", "systemd", "tcpstat",
        "wifi", "xfrm", "zoneinfo",
    ];

    public static IEnumerable<string> All => EnabledByDefault.Concat(DisabledByDefault);

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static bool IsEnabledByDefault(string name) => EnabledByDefault.Contains(name, StringComparer.Ordinal);
}
