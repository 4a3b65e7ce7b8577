using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>
/// The collectors' keys from the configuration to the collector: each key read the way the agent reads it, the
/// registry built from the result as at start, and the collector's output over the fixture node compared with the
/// output at the defaults.
/// </summary>
public sealed class CollectorKeysTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ConfigReport Read(params string[] arguments)
    {
        var node = CollectorHarness.FixtureNode;
        var (layers, errors) = ConfigLayers.Load("/nonexistent/system.json", null, new Hashtable(),
            [$"--Host:ProcPath={node.Proc}", $"--Host:SysPath={node.Sys}", $"--Host:RootPath={node.Root}", .. arguments]);
        return AgentOptionsReader.Read(layers, errors, null, "host");
    }

    /// <summary>One collector's output over the fixture node, built by the registry from the configuration.</summary>
    private static string Scrape(string collector, params string[] arguments)
    {
        // netdev reads the fixture node's /proc/net/dev: over netlink it would read this machine's own interfaces.
        var report = Read(collector == "netdev" ? ["--Metrics:NetdevNetlink=false", .. arguments] : arguments);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        var metrics = report.Options!.Metrics with
        {
            Collectors = CollectorCatalog.Names.ToDictionary(n => n, n => n == collector, StringComparer.Ordinal),
        };
        var registry = CollectorRegistry.Create(CollectorHarness.Context(report.Options.Paths), metrics);
        return CollectorHarness.Collect(Assert.Single(registry.Enabled)).Text;
    }

    [Theory]
    [InlineData("--Metrics:ArpDeviceInclude=^eth", "arp", "node_arp_entries{device=\"bond0\"}", false)]
    [InlineData("--Metrics:ArpDeviceExclude=^bond", "arp", "node_arp_entries{device=\"bond0\"}", false)]
    [InlineData("--Metrics:CpuGuest=false", "cpu", "node_cpu_guest_seconds_total", false)]
    [InlineData("--Metrics:FilesystemMountPointsInclude=^/boot$", "filesystem", "mountpoint=\"/data\"", false)]
    [InlineData("--Metrics:FilesystemFsTypesInclude=^xfs$", "filesystem", "fstype=\"ext4\"", false)]
    [InlineData("--Metrics:HwmonChipInclude=^platform_coretemp_0$", "hwmon", "chip=\"pci0000:00_0000:00:18_3\"", false)]
    [InlineData("--Metrics:HwmonChipExclude=^pci", "hwmon", "chip=\"pci0000:00_0000:00:18_3\"", false)]
    [InlineData("--Metrics:HwmonSensorInclude=^platform_coretemp_0;temp1$", "hwmon", "{chip=\"platform_coretemp_0\",sensor=\"temp2\"}", false)]
    [InlineData("--Metrics:HwmonSensorExclude=^platform_coretemp_0;temp2$", "hwmon", "{chip=\"platform_coretemp_0\",sensor=\"temp2\"}", false)]
    [InlineData("--Metrics:IpvsBackendLabels=proto,remote_address", "ipvs", "local_mark=", false)]
    [InlineData("--Metrics:NetclassIgnoreInvalidSpeed=true", "netclass", "node_network_speed_bytes{device=\"eth0\"} -125000", false)]
    [InlineData("--Metrics:NetdevAddressInfo=true", "netdev", "node_network_address_info", true)]
    [InlineData("--Metrics:NetdevEnableDetailedMetrics=true", "netdev", "node_network_receive_length_errors_total", true)]
    [InlineData("--Metrics:NetdevLabelIfalias=true", "netdev", "ifalias=\"uplink to \\\"core-1\\\"\"", true)]
    [InlineData("--Metrics:PowersupplyIgnoredSupplies=^AC$", "powersupplyclass", "power_supply=\"AC\"", false)]
    [InlineData("--Metrics:RaplEnableZoneLabel=true", "rapl", "rapl_zone=", true)]
    [InlineData("--Metrics:StatSoftirq=true", "stat", "node_softirqs_total", true)]
    [InlineData("--Metrics:TapestatsIgnoredDevices=^st1$", "tapestats", "device=\"st1\"", false)]
    public void A_collector_key_reaches_its_collector(string argument, string collector, string text, bool presentWithTheKey)
    {
        var byDefault = Scrape(collector);
        var configured = Scrape(collector, argument);

        Assert.Equal(!presentWithTheKey, byDefault.Contains(text, StringComparison.Ordinal));
        Assert.Equal(presentWithTheKey, configured.Contains(text, StringComparison.Ordinal));
    }

    [Fact]
    public void The_udev_data_path_key_reaches_diskstats()
    {
        _dir.Write("udev/b8:0", "E:ID_MODEL=Elsewhere\n");

        Assert.DoesNotContain("model=\"Elsewhere\"", Scrape("diskstats"), StringComparison.Ordinal);
        Assert.Contains("model=\"Elsewhere\"", Scrape("diskstats", $"--Metrics:UdevDataPath={_dir.Path}/udev"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_stat_workers_key_reaches_the_filesystem_options()
    {
        // The number of statfs threads shows in no series: read it where the factory reads it.
        Assert.Equal(4, FilesystemOptions.From(Read().Options!.Metrics.Settings).StatWorkers);
        Assert.Equal(2, FilesystemOptions.From(Read("--Metrics:FilesystemStatWorkers=2").Options!.Metrics.Settings).StatWorkers);
    }

    [Fact]
    public void A_filesystem_include_replaces_the_default_exclude_unless_the_exclude_is_set_too()
    {
        Assert.Null(Read("--Metrics:FilesystemMountPointsInclude=^/").Options!.Metrics.Settings.Get(FilesystemOptions.MountPointsExcludeOption));
        Assert.NotNull(Read("--Metrics:FilesystemFsTypesInclude=^xfs$").Options!.Metrics.Settings.Get(FilesystemOptions.MountPointsExcludeOption));
        Assert.Equal("^/x$", Read("--Metrics:FilesystemMountPointsInclude=^/", "--Metrics:FilesystemMountPointsExclude=^/x$")
            .Options!.Metrics.Settings.Get(FilesystemOptions.MountPointsExcludeOption)!.ToString());
    }

    [Theory]
    [InlineData("Metrics:ArpDeviceExclude", "Metrics:ArpDeviceInclude")]
    [InlineData("Metrics:NetdevDeviceExclude", "Metrics:NetdevDeviceInclude")]
    public void An_include_and_an_exclude_node_exporter_refuses_together_are_a_configuration_error(string exclude, string include)
    {
        var error = Assert.Single(Read($"--{exclude}=^a", $"--{include}=^b").Errors);
        Assert.Equal($"command line: {exclude}: is set together with {include} (expected one of them)", error);
    }

    [Fact]
    public void An_unknown_ipvs_label_is_a_configuration_error()
    {
        var error = Assert.Single(Read("--Metrics:IpvsBackendLabels=proto,weight").Errors);
        Assert.Equal("command line: Metrics:IpvsBackendLabels: 'proto,weight' is not valid (unknown IPVS backend labels: \"weight\")", error);
    }

    [Fact]
    public void A_collector_the_descriptor_table_does_not_know_is_refused()
    {
        var report = Read("--Metrics:Collectors:diskstat=false", "--Metrics:Collectors:zfs=true");
        var error = Assert.Single(report.Errors);
        Assert.Equal("command line: Metrics:Collectors:diskstat: unknown collector (did you mean diskstats?)", error);
        Assert.Null(CollectorCatalog.Find("diskstat"));
        Assert.NotNull(CollectorCatalog.Find("zfs"));
    }

    [Fact]
    public void Every_descriptor_option_is_a_key_of_the_schema_with_the_descriptors_default()
    {
        Assert.All(CollectorCatalog.Options, option =>
        {
            var key = ConfigSchema.Find(option.Key);
            Assert.NotNull(key);
            Assert.Equal(ConfigSchema.ConfigText(option.DefaultValue), key.Default);
            Assert.StartsWith("Metrics:", option.Key, StringComparison.Ordinal);
        });
        Assert.Equal(CollectorCatalog.Options.Count, CollectorCatalog.Options.Select(o => o.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
