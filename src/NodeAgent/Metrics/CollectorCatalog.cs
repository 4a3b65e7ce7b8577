using NodeAgent.Metrics.Collectors;

namespace NodeAgent.Metrics;

/// <summary>
/// node_exporter's collectors on Linux, each declared once (<see cref="CollectorDescriptor"/>): the implemented ones
/// beside their classes, the others here by name with node_exporter 1.12's default state. It is the closed set that
/// <c>Metrics:Collectors:&lt;name&gt;</c> accepts, so a typo is an error and not a silent no-op, and the source of
/// every collector's configuration keys.
/// </summary>
internal static class CollectorCatalog
{
    public static IReadOnlyList<CollectorDescriptor> All { get; } = Sorted(
    [
        ArpCollector.Descriptor, BcacheCollector.Descriptor, BcachefsCollector.Descriptor, BondingCollector.Descriptor, BtrfsCollector.Descriptor, ConntrackCollector.Descriptor,
        CpuCollector.Descriptor, CpufreqCollector.Descriptor, CpuVulnerabilitiesCollector.Descriptor, DiskstatsCollector.Descriptor, DmiCollector.Descriptor,
        EdacCollector.Descriptor, EntropyCollector.Descriptor, FibreChannelCollector.Descriptor, FilefdCollector.Descriptor,
        FilesystemCollector.Descriptor, HwmonCollector.Descriptor, InfiniBandCollector.Descriptor, IpvsCollector.Descriptor,
        KernelHungCollector.Descriptor, LoadavgCollector.Descriptor, MdadmCollector.Descriptor, MeminfoCollector.Descriptor,
        MeminfoNumaCollector.Descriptor,
        NetClassCollector.Descriptor, NetDevCollector.Descriptor, NetStatCollector.Descriptor, NfsCollector.Descriptor,
        NfsdCollector.Descriptor, NvmeCollector.Descriptor, OsCollector.Descriptor, PowerSupplyClassCollector.Descriptor,
        PressureCollector.Descriptor, RaplCollector.Descriptor, SchedstatCollector.Descriptor, SelinuxCollector.Descriptor,
        SockStatCollector.Descriptor, SoftnetCollector.Descriptor, StatCollector.Descriptor, TapestatsCollector.Descriptor,
        TextfileCollector.Descriptor, ThermalZoneCollector.Descriptor, TimeCollector.Descriptor, TimexCollector.Descriptor,
        UdpQueuesCollector.Descriptor, UnameCollector.Descriptor, VmstatCollector.Descriptor, WatchdogCollector.Descriptor,
        XfsCollector.Descriptor, ZfsCollector.Descriptor,
        BuddyinfoCollector.Descriptor, InterruptsCollector.Descriptor, KsmdCollector.Descriptor, LnstatCollector.Descriptor,
        ProcessesCollector.Descriptor, SlabinfoCollector.Descriptor, SoftirqsCollector.Descriptor, SysctlCollector.Descriptor,
        ZoneinfoCollector.Descriptor,
        CgroupsCollector.Descriptor, DmMultipathCollector.Descriptor, DrbdCollector.Descriptor, MountStatsCollector.Descriptor,
        PcideviceCollector.Descriptor, QdiscCollector.Descriptor, WifiCollector.Descriptor,
        XfrmCollector.Descriptor,

        // Disabled by default in node_exporter 1.12 and not implemented: accepted by name (the agent logs the enabled
        // ones at start).
        .. new[]
        {
            "drm", "ethtool", "logind", "network_route", "ntp", "nvmesubsystem", "perf",
            "runit", "supervisord", "swap", "systemd", "tcpstat",
        }.Select(n => CollectorDescriptor.NotImplemented(n, enabledByDefault: false)),
    ]);

    /// <summary>Every collector setting, in collector-name order: the <c>Metrics:</c> keys after the common ones.</summary>
    public static IReadOnlyList<CollectorOption> Options { get; } = [.. All.SelectMany(d => d.Options)];

    public static IEnumerable<string> Names => All.Select(d => d.Name);

    public static CollectorDescriptor? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    public static bool IsKnown(string name) => Find(name) is not null;

    /// <summary>node_exporter 1.12's default set: every name, on or off.</summary>
    public static Dictionary<string, bool> DefaultStates() =>
        All.ToDictionary(d => d.Name, d => d.EnabledByDefault, StringComparer.Ordinal);

    private static CollectorDescriptor[] Sorted(CollectorDescriptor[] descriptors)
    {
        Array.Sort(descriptors, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return descriptors;
    }
}
