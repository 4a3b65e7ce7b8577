namespace NodeAgent.Hosting;

/// <summary>
/// node_exporter 1.12's own flags on Linux (its <c>--help</c>, hidden flags included), besides the collector switches
/// <c>--collector.&lt;name&gt;</c> that every collector of <see cref="Metrics.CollectorCatalog"/> has: what kingpin
/// accepts, whether NodeAgent implements it or not. This is node_exporter's interface, written down once; which of
/// these NodeAgent implements is derived from the collectors' declared options (see <see cref="NodeExporterFlags"/>).
/// </summary>
internal static partial class NodeExporterFlags
{
    /// <summary>The collectors' flags: <c>collector.&lt;collector&gt;.&lt;option&gt;</c>, with kingpin's form.</summary>
    private static readonly (string Name, FlagForm Form)[] CollectorOptionFlags =
    [
        ("collector.arp.device-include", FlagForm.Value),
        ("collector.arp.device-exclude", FlagForm.Value),
        ("collector.arp.netlink", FlagForm.Switch),
        ("collector.bcache.priorityStats", FlagForm.Switch),
        ("collector.cpu.guest", FlagForm.Switch),
        ("collector.cpu.info", FlagForm.Switch),
        ("collector.cpu.info.flags-include", FlagForm.Value),
        ("collector.cpu.info.bugs-include", FlagForm.Value),
        ("collector.diskstats.device-exclude", FlagForm.Value),
        ("collector.diskstats.device-include", FlagForm.Value),
        ("collector.ethtool.device-include", FlagForm.Value),
        ("collector.ethtool.device-exclude", FlagForm.Value),
        ("collector.ethtool.metrics-include", FlagForm.Value),
        ("collector.filesystem.mount-points-exclude", FlagForm.Value),
        ("collector.filesystem.mount-points-include", FlagForm.Value),
        ("collector.filesystem.fs-types-exclude", FlagForm.Value),
        ("collector.filesystem.fs-types-include", FlagForm.Value),
        ("collector.filesystem.mount-timeout", FlagForm.Value),
        ("collector.filesystem.stat-workers", FlagForm.Value),
        ("collector.hwmon.chip-include", FlagForm.Value),
        ("collector.hwmon.chip-exclude", FlagForm.Value),
        ("collector.hwmon.sensor-include", FlagForm.Value),
        ("collector.hwmon.sensor-exclude", FlagForm.Value),
        ("collector.infiniband.device-include", FlagForm.Value),
        ("collector.infiniband.device-exclude", FlagForm.Value),
        ("collector.interrupts.name-include", FlagForm.Value),
        ("collector.interrupts.name-exclude", FlagForm.Value),
        ("collector.interrupts.include-zeros", FlagForm.Switch),
        ("collector.ipvs.backend-labels", FlagForm.Value),
        ("collector.netclass.ignored-devices", FlagForm.Value),
        ("collector.netclass.ignore-invalid-speed", FlagForm.Switch),
        ("collector.netclass.netlink", FlagForm.Switch),
        ("collector.netclass_rtnl.with-stats", FlagForm.Switch),
        ("collector.netdev.device-include", FlagForm.Value),
        ("collector.netdev.device-exclude", FlagForm.Value),
        ("collector.netdev.address-info", FlagForm.Switch),
        ("collector.netdev.enable-detailed-metrics", FlagForm.Switch),
        ("collector.netdev.netlink", FlagForm.Switch),
        ("collector.netdev.label-ifalias", FlagForm.Switch),
        ("collector.netstat.fields", FlagForm.Value),
        ("collector.ntp.server", FlagForm.Value),
        ("collector.ntp.server-port", FlagForm.Value),
        ("collector.ntp.protocol-version", FlagForm.Value),
        ("collector.ntp.server-is-local", FlagForm.Switch),
        ("collector.ntp.ip-ttl", FlagForm.Value),
        ("collector.ntp.max-distance", FlagForm.Value),
        ("collector.ntp.local-offset-tolerance", FlagForm.Value),
        ("collector.pcidevice.idsfile", FlagForm.Value),
        ("collector.pcidevice.names", FlagForm.Switch),
        ("collector.perf.cpus", FlagForm.Value),
        ("collector.perf.tracepoint", FlagForm.Repeatable),
        ("collector.perf.disable-hardware-profilers", FlagForm.Switch),
        ("collector.perf.hardware-profilers", FlagForm.Repeatable),
        ("collector.perf.disable-software-profilers", FlagForm.Switch),
        ("collector.perf.software-profilers", FlagForm.Repeatable),
        ("collector.perf.disable-cache-profilers", FlagForm.Switch),
        ("collector.perf.cache-profilers", FlagForm.Repeatable),
        ("collector.powersupply.ignored-supplies", FlagForm.Value),
        ("collector.qdisc.fixtures", FlagForm.Value),
        ("collector.qdisc.device-include", FlagForm.Value),
        ("collector.qdisc.device-exclude", FlagForm.Value),
        ("collector.rapl.enable-zone-label", FlagForm.Switch),
        ("collector.runit.servicedir", FlagForm.Value),
        ("collector.slabinfo.slabs-include", FlagForm.Value),
        ("collector.slabinfo.slabs-exclude", FlagForm.Value),
        ("collector.stat.softirq", FlagForm.Switch),
        ("collector.supervisord.url", FlagForm.Value),
        ("collector.sysctl.include", FlagForm.Repeatable),
        ("collector.sysctl.include-info", FlagForm.Repeatable),
        ("collector.systemd.unit-include", FlagForm.Value),
        ("collector.systemd.unit-exclude", FlagForm.Value),
        ("collector.systemd.private", FlagForm.Switch),
        ("collector.systemd.enable-task-metrics", FlagForm.Switch),
        ("collector.systemd.enable-restarts-metrics", FlagForm.Switch),
        ("collector.systemd.enable-start-time-metrics", FlagForm.Switch),
        ("collector.tapestats.ignored-devices", FlagForm.Value),
        ("collector.textfile.directory", FlagForm.Repeatable),
        ("collector.vmstat.fields", FlagForm.Value),
        ("collector.wifi.fixtures", FlagForm.Value),
    ];

    /// <summary>Older spellings node_exporter still accepts (hidden, "DEPRECATED"), each meaning its current flag;
    /// node_exporter refuses both together (ignored-mount-points and mount-points-exclude "are mutually exclusive").</summary>
    private static readonly (string Old, string Current)[] Deprecated =
    [
        ("collector.diskstats.ignored-devices", "collector.diskstats.device-exclude"),
        ("collector.filesystem.ignored-mount-points", "collector.filesystem.mount-points-exclude"),
        ("collector.filesystem.ignored-fs-types", "collector.filesystem.fs-types-exclude"),
        ("collector.netdev.device-whitelist", "collector.netdev.device-include"),
        ("collector.netdev.device-blacklist", "collector.netdev.device-exclude"),
        ("collector.qdisk.device-include", "collector.qdisc.device-include"),
        ("collector.qdisk.device-exclude", "collector.qdisc.device-exclude"),
        ("collector.systemd.unit-whitelist", "collector.systemd.unit-include"),
        ("collector.systemd.unit-blacklist", "collector.systemd.unit-exclude"),
    ];

    /// <summary>Flags of node_exporter's own that NodeAgent has no use for. <c>--help</c>, <c>-h</c> and
    /// <c>--version</c> are the agent's own (see <see cref="Invocation"/>).</summary>
    private static IEnumerable<NodeExporterFlag> Unimplemented() =>
    [
        NodeExporterFlag.NotImplemented("runtime.gomaxprocs", FlagForm.Value, "a setting of the Go runtime; NodeAgent is a .NET program"),
        NodeExporterFlag.NotImplemented("web.max-requests", FlagForm.Value,
            $"NodeAgent answers at most {Metrics.ExpositionBuffers.MaxInFlight} scrapes at once, node_exporter's default, and 503 beyond; only --web.max-requests={Metrics.ExpositionBuffers.MaxInFlight} is accepted") with
        {
            AlreadySo = static value => value.Trim() == Metrics.ExpositionBuffers.MaxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        NodeExporterFlag.NotImplemented("web.systemd-socket", FlagForm.Switch, "NodeAgent binds Http:ListenAddress itself; systemd socket activation is not supported") with
        {
            AlreadySo = static value => value == "false",
        },
        .. KingpinFlags.Select(name => NodeExporterFlag.NotImplemented(name, FlagForm.Switch, "kingpin's; `node-agent --help` prints the agent's usage")),
    ];

    /// <summary>The flags kingpin adds to every program besides --help and --version.</summary>
    private static readonly string[] KingpinFlags = ["help-long", "help-man", "completion-bash", "completion-script-bash", "completion-script-zsh"];

    /// <summary>Collector flags NodeAgent accepts for the values that ask for what it does anyway.</summary>
    private static readonly (string Name, Func<string, bool> AlreadySo, string Why)[] AlreadySoFlags =
    [
        // Both values: netlink (node_exporter's default) counts the AF_INET neighbours that are not NUD_NOARP, and the
        // kernel writes /proc/net/arp, which NodeAgent reads, from the same table with the same rule (ArpCollector).
        ("collector.arp.netlink", static value => value is "true" or "false", "NodeAgent reads /proc/net/arp"),
        ("collector.netclass.netlink", static value => value == "false",
            "NodeAgent reads sysfs; --no-collector.netclass.netlink, node_exporter's default, is accepted"),
    ];
}
