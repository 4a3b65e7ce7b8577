namespace NodeAgent.EndToEnd;

/// <summary>
/// The documented differences between Debian's node_exporter 1.5.0 (what the parity test can run here) and
/// node_exporter 1.12 (what NodeAgent matches), from node_exporter's CHANGELOG; the README lists the same.
/// </summary>
internal static class NodeExporterDifferences
{
    /// <summary>Families 1.5.0 emits that 1.12 does not.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotIn112 = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // 1.9.0 (#3049): meminfo reports a fixed list of fields instead of every /proc/meminfo line.
        ["node_memory_Balloon_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_FileHugePages_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_FilePmdMapped_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_Hugetlb_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_KReclaimable_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_SecPageTables_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_ShadowCallStack_bytes"] = "meminfo fixed field list (1.9.0)",
        ["node_memory_Unaccepted_bytes"] = "meminfo fixed field list (1.9.0)",
    };

    /// <summary>Families that are not the same thing in both, so not compared.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotComparable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["node_exporter_build_info"] = "node_exporter's own build; NodeAgent has nodeagent_build_info",
        ["node_systemd_unit_state"] = "Debian enables the systemd collector by default; upstream (and NodeAgent) do not",
        ["node_systemd_system_running"] = "Debian-only default collector",
        ["node_systemd_units"] = "Debian-only default collector",
        ["node_systemd_version"] = "Debian-only default collector",
        ["node_systemd_socket_accepted_connections_total"] = "Debian-only default collector",
        ["node_systemd_socket_current_connections"] = "Debian-only default collector",
        ["node_systemd_socket_refused_connections_total"] = "Debian-only default collector",
        ["node_systemd_timer_last_trigger_seconds"] = "Debian-only default collector",
        ["node_systemd_service_restart_total"] = "Debian-only default collector",
    };

    /// <summary>Families whose values move on their own between scrapes, so their values are not compared.</summary>
    public static readonly IReadOnlyDictionary<string, string> Volatile = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["node_scrape_collector_duration_seconds"] = "each exporter's own timing",
        ["node_procs_running"] = "an instant count that includes the scraping exporter's own running threads",
        ["node_sockstat_sockets_used"] = "an instant count that includes the scrapers' own connections",
        ["node_sockstat_TCP_alloc"] = "an instant count that includes the scrapers' own connections",
        ["node_sockstat_TCP_inuse"] = "an instant count that includes the scrapers' own connections",
        ["node_sockstat_TCP_tw"] = "an instant count that includes the scrapers' own connections",
        ["node_sockstat_TCP_mem"] = "kernel socket memory, moved by the scrapers' own connections",
        ["node_sockstat_TCP_mem_bytes"] = "kernel socket memory, moved by the scrapers' own connections",
        ["node_filefd_allocated"] = "an instant count that includes the exporters' own open files",
        ["node_procs_blocked"] = "an instant count of tasks in uninterruptible sleep, changed by the exporters' own reads",
        ["node_memory_PageTables_bytes"] = "kernel memory for page tables, grown and shrunk by the scraping processes themselves",
    };

    /// <summary>
    /// Collectors whose <c>node_scrape_collector_success</c> is 0 in NodeAgent and 1 in node_exporter on a machine
    /// without the hardware: NodeAgent reports "no data" when the sysfs directory is absent (README, "Known gaps"),
    /// while node_exporter (1.5.0 and 1.12 alike) finds nothing to read and reports success. Every other collector's
    /// success is compared like any gauge.
    /// </summary>
    private static readonly Dictionary<string, string> SuccessZeroWhereNodeExporterSucceeds = new(StringComparer.Ordinal)
    {
        ["cpufreq"] = "no devices/system/cpu/cpu*/cpufreq (a VM): procfs' SystemCpufreq returns an empty entry per CPU",
        ["edac"] = "no devices/system/edac/mc: node_exporter globs mc[0-9]* and finds none",
        ["thermal_zone"] = "no class/thermal: node_exporter globs thermal_zone* and cooling_device* and finds none",
    };

    /// <summary>Whether our sample is a collector's success of 0 that node_exporter reports as 1, for the reason above.</summary>
    public static bool SuccessDiffers(Support.Sample ours, double theirs) =>
        ours.Name == "node_scrape_collector_success" && ours.Value == 0 && theirs == 1
        && SuccessZeroWhereNodeExporterSucceeds.ContainsKey(ours.Labels["collector"]);

    /// <summary>A series of Debian's own default collector (systemd), which upstream and NodeAgent leave off.</summary>
    public static bool IsDebianOnly(Support.Sample sample) =>
        sample.Name.StartsWith("node_scrape_collector_", StringComparison.Ordinal) && sample.Labels.GetValueOrDefault("collector") == "systemd";

    /// <summary>Labels 1.12 adds to families 1.5.0 already had.</summary>
    private static readonly Dictionary<string, string[]> AddedLabels = new(StringComparer.Ordinal)
    {
        // 1.8.0 (#2923): "filesystem: surface device errors" — on every node_filesystem_* family but mount_info.
        ["node_filesystem_avail_bytes"] = ["device_error"],
        ["node_filesystem_device_error"] = ["device_error"],
        ["node_filesystem_files"] = ["device_error"],
        ["node_filesystem_files_free"] = ["device_error"],
        ["node_filesystem_free_bytes"] = ["device_error"],
        ["node_filesystem_readonly"] = ["device_error"],
        ["node_filesystem_size_bytes"] = ["device_error"],
        // 1.6.0 (#2515): administrative state of the interface.
        ["node_network_info"] = ["adminstate"],
        // 1.9.0 (#3022): rotational flag of the block device.
        ["node_disk_info"] = ["rotational"],
    };

    public static IReadOnlySet<string> ExpectedLabels(string family, IReadOnlySet<string> in150)
    {
        var expected = new HashSet<string>(in150, StringComparer.Ordinal);
        if (AddedLabels.TryGetValue(family, out var added))
        {
            expected.UnionWith(added);
        }

        return expected;
    }

    /// <summary>Series 1.5.0 emits that 1.12 leaves out by default (label key as <see cref="Support.Sample.LabelKey"/>).</summary>
    public static bool IsSeriesOnlyIn150(string family, string labelKey) =>
        // 1.8.0 (#2898): zram devices are excluded from diskstats by default.
        family.StartsWith("node_disk_", StringComparison.Ordinal) && labelKey.Contains("device=zram", StringComparison.Ordinal);

    /// <summary>Whether our series and theirs are the same, ignoring the labels 1.12 added.</summary>
    public static bool SameSeries(string family, string ourLabelKey, string theirLabelKey)
    {
        if (!AddedLabels.TryGetValue(family, out var added))
        {
            return ourLabelKey == theirLabelKey;
        }

        var kept = ourLabelKey.Split(',').Where(pair => !added.Any(a => pair.StartsWith(a + "=", StringComparison.Ordinal)));
        return string.Join(",", kept) == theirLabelKey;
    }
}
