namespace NodeAgent.EndToEnd;

/// <summary>How a series differs between Debian's node_exporter and NodeAgent on the same fixture node.</summary>
internal enum SeriesDifference
{
    /// <summary>node_exporter serves the series, NodeAgent does not.</summary>
    OnlyNodeExporter,

    /// <summary>NodeAgent serves the series, node_exporter does not.</summary>
    OnlyNodeAgent,

    /// <summary>Both serve it, with other values.</summary>
    OtherValue,
}

/// <summary>One cited reason for series that differ: of <paramref name="Family"/> (a trailing <c>*</c> is a prefix),
/// those whose labels <paramref name="Series"/> accepts (all when null).</summary>
internal sealed record ParityExemption(SeriesDifference Difference, string Family, string Reason,
    Func<IReadOnlyDictionary<string, string>, bool>? Series = null)
{
    public bool Covers(SeriesDifference difference, string family, IReadOnlyDictionary<string, string> labels) =>
        difference == Difference
        && (Family.EndsWith('*') ? family.StartsWith(Family[..^1], StringComparison.Ordinal) : family == Family)
        && (Series?.Invoke(labels) ?? true);
}

/// <summary>
/// Every difference <see cref="NodeExporterFixtureParityTests"/> allows between Debian's node_exporter (1.5.0, the
/// package tests/run-all.sh installs) and NodeAgent (which matches node_exporter 1.12) on tests/fixtures/node, each
/// with its reason: the node_exporter version and change (from its git history) for a difference of versions, the
/// kernel's or procfs' source where one side is wrong. An exemption that no longer matches a difference fails the
/// test, so the list only shrinks as it is fixed.
/// </summary>
internal static class NodeExporterFixtureDifferences
{
    private const SeriesDifference NodeExporterOnly = SeriesDifference.OnlyNodeExporter;
    private const SeriesDifference NodeAgentOnly = SeriesDifference.OnlyNodeAgent;
    private const SeriesDifference OtherValue = SeriesDifference.OtherValue;

    /// <summary>Labels node_exporter added after 1.5.0 to families 1.5.0 has: NodeAgent's series are compared without
    /// them (and must have them).</summary>
    public static readonly IReadOnlyList<(Func<string, bool> Family, string Label, string Reason)> AddedLabels =
    [
        (f => f.StartsWith("node_filesystem_", StringComparison.Ordinal) && f != "node_filesystem_mount_info", "device_error",
            "1.8.0 (#2923, surface device errors): every node_filesystem_* family but mount_info"),
        (f => f == "node_network_info", "adminstate", "1.6.0 (#2515): the interface's administrative state"),
        (f => f == "node_disk_info", "rotational", "1.9.0 (#3022): the block device's rotational flag"),
        (f => f == "node_nvme_info", "cntlid", "1.10.0 (#3355, a procfs update): the controller id"),
    ];

    /// <summary>Values that move on their own between the two scrapes (not read from the fixture): compared for name,
    /// labels and type only. These may or may not differ in a run.</summary>
    public static readonly IReadOnlyDictionary<string, string> Volatile = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["node_scrape_collector_duration_seconds"] = "each exporter's own timing",
        ["node_time_seconds"] = "the clock, read at each scrape",
        ["node_filesystem_avail_bytes"] = "statfs of the host file system the fixture's / and /run are on, written to by other processes",
        ["node_filesystem_free_bytes"] = "statfs of the host file system the fixture's / and /run are on, written to by other processes",
        ["node_filesystem_files_free"] = "statfs of the host file system the fixture's / and /run are on, written to by other processes",
        ["node_timex_*"] = "adjtimex(2) of the running host: the kernel moves maxerror every second and NTP the offset",
    };

    public static bool IsVolatile(string family) =>
        Volatile.ContainsKey(family) || Volatile.Keys.Any(k => k.EndsWith('*') && family.StartsWith(k[..^1], StringComparison.Ordinal));

    /// <summary>The differences with their reasons; each must still match at least one series.</summary>
    public static readonly IReadOnlyList<ParityExemption> Cited =
    [
        // --- The exporter's own.
        new(NodeExporterOnly, "node_exporter_build_info", "node_exporter's own build; NodeAgent serves nodeagent_build_info"),

        // --- 1.5.0 collectors that fail on this fixture where 1.12's (and NodeAgent's) succeed: success 0, no series.
        new(OtherValue, "node_scrape_collector_success", "infiniband: procfs 0.8.0 (1.5.0) requires board_id, which mlx5_0 lacks, and the " +
            "collector returns no data; procfs 0.12.0 (node_exporter 1.7.0, procfs #556) makes board_id optional",
            l => l["collector"] == "infiniband"),
        new(NodeAgentOnly, "node_infiniband_*", "infiniband fails in 1.5.0 (see node_scrape_collector_success)"),
        new(OtherValue, "node_scrape_collector_success", "nfsd: procfs 0.8.0 (1.5.0) refuses the whole file for its " +
            "\"wdeleg_getattr\" line (Linux 6.6 and later); procfs 0.12.0 (node_exporter 1.7.0, procfs #574) reads it",
            l => l["collector"] == "nfsd"),
        new(NodeAgentOnly, "node_nfsd_*", "nfsd fails in 1.5.0 (see node_scrape_collector_success)"),
        new(OtherValue, "node_scrape_collector_success", "thermal_zone: procfs 0.8.0 (1.5.0) fails every zone when one zone's temp " +
            "cannot be read (thermal_zone3 has none); procfs 0.16.1 (node_exporter 1.10.0, procfs #712) skips that zone, as NodeAgent " +
            "does (procfs 0.21.0, in 1.12.0, reports it with temp 0 instead: README)",
            l => l["collector"] == "thermal_zone"),
        new(NodeAgentOnly, "node_thermal_zone_temp", "thermal_zone fails in 1.5.0 (see node_scrape_collector_success)"),
        new(NodeAgentOnly, "node_cooling_device_*", "thermal_zone fails in 1.5.0 (see node_scrape_collector_success)"),

        // --- Families and series node_exporter added after 1.5.0.
        new(NodeAgentOnly, "node_btrfs_commit*", "1.9.0 (#3010): btrfs commit statistics"),
        new(NodeAgentOnly, "node_btrfs_last_commit_seconds", "1.9.0 (#3010): btrfs commit statistics"),
        new(NodeAgentOnly, "node_btrfs_max_commit_seconds", "1.9.0 (#3010): btrfs commit statistics"),
        new(NodeAgentOnly, "node_cpu_frequency_avg_hertz", "1.12.0 (#3712): cpufreq's cpuinfo_avg_freq"),
        new(NodeAgentOnly, "node_cpu_scaling_governor", "1.6.0 (commit 1724b28d): cpufreq governors"),
        new(NodeAgentOnly, "node_edac_channel_*", "1.12.0 (#3720): per-channel EDAC errors with DIMM labels"),
        new(NodeAgentOnly, "node_filesystem_mount_info", "1.9.0 (#2970)"),
        new(NodeAgentOnly, "node_filesystem_purgeable_bytes", "1.9.0 (#3206)"),
        new(NodeAgentOnly, "node_filesystem_readonly", "1.7.0 (commit e387997e): readonly is reported for a mount whose statfs " +
            "failed too", l => l["device_error"].Length > 0),
        new(NodeAgentOnly, "node_hwmon_freq_freq_mhz", "1.9.0 (commit 6f3c3456, \"add gpu clk\"): hwmon freq* sensors"),
        new(NodeAgentOnly, "node_hwmon_sensor_label", "1.9.0 (commit 6f3c3456): the label of a freq* sensor", l => l["sensor"].StartsWith("freq", StringComparison.Ordinal)),
        new(NodeAgentOnly, "node_md_degraded", "1.10.0 (#3031): mdadm reads sysfs md/ as well"),
        new(NodeAgentOnly, "node_md_raid_disks", "1.10.0 (#3031): mdadm reads sysfs md/ as well"),
        new(NodeAgentOnly, "node_nvme_namespace_*", "1.11.0 (#3360): NVMe namespaces"),
        new(NodeAgentOnly, "node_pressure_irq_stalled_seconds_total", "1.9.0 (commit fe5ffa91): IRQ pressure"),
        new(NodeAgentOnly, "node_softnet_backlog_len", "1.6.0 (#2592): more softnet_stat columns"),
        new(NodeAgentOnly, "node_softnet_cpu_collision_total", "1.6.0 (#2592): more softnet_stat columns"),
        new(NodeAgentOnly, "node_softnet_flow_limit_count_total", "1.6.0 (#2592): more softnet_stat columns"),
        new(NodeAgentOnly, "node_softnet_received_rps_total", "1.6.0 (#2592): more softnet_stat columns"),
        new(NodeAgentOnly, "node_zfs_arc_memory_available_bytes", "1.6.0 (#2687)"),
        new(NodeAgentOnly, "node_zfs_zpool_state", "1.6.0 (#2449): the \"suspended\" state", l => l["state"] == "suspended"),

        // --- Families node_exporter removed after 1.5.0.
        new(NodeExporterOnly, "node_bcache_cache_readaheads_total", "1.6.0 (#2583): left out while it is 0 (as in the fixture)"),
        new(NodeExporterOnly, "node_memory_Balloon_bytes", "1.9.0 (#3049): meminfo reports a fixed list of /proc/meminfo fields"),
        new(NodeExporterOnly, "node_memory_FileHugePages_bytes", "1.9.0 (#3049): meminfo reports a fixed list of /proc/meminfo fields"),
        new(NodeExporterOnly, "node_memory_FilePmdMapped_bytes", "1.9.0 (#3049): meminfo reports a fixed list of /proc/meminfo fields"),
        new(NodeExporterOnly, "node_memory_Hugetlb_bytes", "1.9.0 (#3049): meminfo reports a fixed list of /proc/meminfo fields"),
        new(NodeExporterOnly, "node_memory_KReclaimable_bytes", "1.9.0 (#3049): meminfo reports a fixed list of /proc/meminfo fields"),
        new(NodeExporterOnly, "node_memory_SecPageTables_bytes", "1.9.0 (#3049): meminfo reports a fixed list of /proc/meminfo fields"),

        // --- Label values node_exporter changed after 1.5.0 (the old series on one side, the new on the other).
        new(NodeExporterOnly, "node_disk_info", "1.6.0 (#2612): serial is SCSI_IDENT_SERIAL when udev has it (sda's differs from " +
            "ID_SERIAL_SHORT)", l => l["device"] == "sda"),
        new(NodeAgentOnly, "node_disk_info", "1.6.0 (#2612): serial is SCSI_IDENT_SERIAL when udev has it", l => l["device"] == "sda"),
        new(NodeExporterOnly, "node_hwmon_*", "1.12.0 (#3646): two hwmon devices of one platform device get distinct chip labels; 1.5.0 " +
            "gives both \"platform_asus_nb_wmi\" and its gatherer drops the colliding pwm_enable", l => l.GetValueOrDefault("chip") == "platform_asus_nb_wmi"),
        new(NodeAgentOnly, "node_hwmon_*", "1.12.0 (#3646): chip labels platform_asus_nb_wmi_asus and _asus_wmi_sensors",
            l => l.GetValueOrDefault("chip", "").StartsWith("platform_asus_nb_wmi_", StringComparison.Ordinal)),
        new(NodeExporterOnly, "node_zfs_zpool_dataset_*", "1.9.0 (#3186): a dataset name may contain spaces (1.5.0 cuts \"tank/home  data\" " +
            "at the first)", l => l["dataset"] == "tank/home"),
        new(NodeAgentOnly, "node_zfs_zpool_dataset_*", "1.9.0 (#3186): the whole dataset name", l => l["dataset"] == "tank/home  data"),
        new(NodeExporterOnly, "node_cpu_frequency_hertz", "1.7.0 (commit 933b1c17): with --collector.cpu.info the cpu collector serves " +
            "node_cpu_frequency_hertz{core,cpu,package} from /proc/cpuinfo, and cpufreq's sysfs family of the same name is left out " +
            "(NodeAgent; node_exporter would serve both, a gather error; README)", l => !l.ContainsKey("core")),
        new(NodeAgentOnly, "node_cpu_frequency_hertz", "1.7.0 (commit 933b1c17): node_cpu_frequency_hertz from /proc/cpuinfo", l => l.ContainsKey("core")),

        // --- NodeAgent's own choices (README, "Node metrics").
        new(NodeAgentOnly, "node_network_receive_nohandler_total", "NodeAgent serves netdev's netlink families (1.12's default) " +
            "whatever --collector.netdev.netlink says: /proc/net/dev plus sysfs rx_nohandler, the same kernel counters (README)"),

        // --- Where node_exporter is wrong.
        new(OtherValue, "node_btrfs_global_rsv_size_bytes", "procfs' btrfs reader keeps the error of listing features/ and reads every " +
            "later value of that directory as 0 (btrfs/get.go, readValue after listFiles); 7f07c59f has no features/ (a real kernel " +
            "always creates it: btrfs_sysfs_add_mounted in fs/btrfs/sysfs.c), so node_exporter (1.5.0 and 1.12 alike) says 0 where " +
            "allocation/global_rsv_size says 536870912, which NodeAgent reports", l => l["uuid"] == "7f07c59f-6136-449c-ab87-e1cf2328731b"),
    ];
}
