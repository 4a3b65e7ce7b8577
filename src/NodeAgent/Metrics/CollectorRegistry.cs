using NodeAgent.Metrics.Collectors;

namespace NodeAgent.Metrics;

/// <summary>
/// Builds the enabled collectors from the configuration: node_exporter's defaults, switched by
/// <c>Metrics:Collectors:&lt;name&gt;</c>. A name in <see cref="CollectorCatalog"/> with no implementation here yet is
/// reported by <see cref="NotImplemented"/> (the README lists them) rather than silently ignored.
/// </summary>
internal sealed class CollectorRegistry
{
    private CollectorRegistry(IReadOnlyList<INodeCollector> enabled, IReadOnlyList<string> notImplemented)
    {
        Enabled = enabled;
        NotImplemented = notImplemented;
    }

    /// <summary>The enabled collectors, sorted by name: the order of the exposition.</summary>
    public IReadOnlyList<INodeCollector> Enabled { get; }

    /// <summary>Enabled by configuration but not implemented by this build.</summary>
    public IReadOnlyList<string> NotImplemented { get; }

    /// <param name="substitutes">Collectors to use instead of the built ones, by name: how the golden-scrape test
    /// replaces the few whose values come from system calls (statfs, adjtimex, uname) rather than files.</param>
    public static CollectorRegistry Create(CollectorContext context, MetricsOptions options, IReadOnlyDictionary<string, INodeCollector>? substitutes = null)
    {
        var enabled = new List<INodeCollector>();
        var missing = new List<string>();
        if (options.Enabled)
        {
            foreach (var (name, on) in options.Collectors.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!on)
                {
                    continue;
                }

                if ((substitutes?.GetValueOrDefault(name) ?? Build(name, context, options)) is { } collector)
                {
                    enabled.Add(collector);
                }
                else
                {
                    missing.Add(name);
                }
            }
        }

        return new CollectorRegistry(enabled, missing);
    }

    private static INodeCollector? Build(string name, CollectorContext context, MetricsOptions options)
    {
        var f = options.Filters;
        return name switch
        {
            "arp" => new ArpCollector(context),
            "bonding" => new BondingCollector(context),
            "btrfs" => new BtrfsCollector(context),
            "conntrack" => new ConntrackCollector(context),
            "cpu" => new CpuCollector(context),
            "cpufreq" => new CpufreqCollector(context),
            "diskstats" => new DiskstatsCollector(context, new DiskstatsOptions(f.DiskstatsDeviceExclude, f.DiskstatsDeviceInclude, null)),
            "dmi" => new DmiCollector(context),
            "edac" => new EdacCollector(context),
            "entropy" => new EntropyCollector(context),
            "fibrechannel" => new FibreChannelCollector(context),
            "filefd" => new FilefdCollector(context),
            "filesystem" => new FilesystemCollector(context, FilesystemOptions.Default with
            {
                MountPointsExclude = f.FilesystemMountPointsExclude,
                FsTypesExclude = f.FilesystemFsTypesExclude,
                MountTimeout = f.FilesystemMountTimeout,
            }),
            "hwmon" => new HwmonCollector(context),
            "infiniband" => new InfiniBandCollector(context),
            "ipvs" => new IpvsCollector(context),
            "kernel_hung" => new KernelHungCollector(context),
            "loadavg" => new LoadavgCollector(context),
            "mdadm" => new MdadmCollector(context),
            "meminfo" => new MeminfoCollector(context),
            "netclass" => new NetClassCollector(context, NetClassOptions.Default with { IgnoredDevices = f.NetclassIgnoredDevices }),
            "netdev" => new NetDevCollector(context, NetDevOptions.Default with { DeviceInclude = f.NetdevDeviceInclude, DeviceExclude = f.NetdevDeviceExclude }),
            "netstat" => new NetStatCollector(context, new NetStatOptions(f.NetstatFields)),
            "nfs" => new NfsCollector(context),
            "nfsd" => new NfsdCollector(context),
            "nvme" => new NvmeCollector(context),
            "os" => new OsCollector(context),
            "powersupplyclass" => new PowerSupplyClassCollector(context),
            "pressure" => new PressureCollector(context),
            "rapl" => new RaplCollector(context),
            "schedstat" => new SchedstatCollector(context),
            "selinux" => new SelinuxCollector(context),
            "sockstat" => new SockStatCollector(context),
            "softnet" => new SoftnetCollector(context),
            "stat" => new StatCollector(context),
            "tapestats" => new TapestatsCollector(context),
            "textfile" => new TextfileCollector(context, new TextfileOptions(f.TextfileDirectory)),
            "thermal_zone" => new ThermalZoneCollector(context),
            "time" => new TimeCollector(context),
            "timex" => new TimexCollector(context),
            "udp_queues" => new UdpQueuesCollector(context),
            "uname" => new UnameCollector(context),
            "vmstat" => new VmstatCollector(context, new VmstatOptions(f.VmstatFields)),
            "watchdog" => new WatchdogCollector(context),
            "xfs" => new XfsCollector(context),
            _ => null,
        };
    }
}
