using System.Globalization;
using Microsoft.Extensions.Logging;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.pcidevice.names</c> and <c>--collector.pcidevice.idsfile</c>.</summary>
internal sealed record PcideviceOptions(bool Names, string? IdsFile)
{
    public static readonly CollectorOption<bool> NamesOption = CollectorOptions.Bool(
        "Metrics:PcideviceNames", false, "add vendor, device, subsystem and class names from the PCI ID database (pci.ids) to `node_pcidevice_info`");

    public static readonly CollectorOption<string?> IdsFileOption = new("Metrics:PcideviceIdsfile", CollectorOptionKind.Path, null,
        "the pci.ids file for `Metrics:PcideviceNames`")
    {
        DefaultText = "`/usr/share/misc/pci.ids`, `/usr/share/hwdata/pci.ids`, then both under `Host:RootPath`",
    };

    public static PcideviceOptions Default { get; } = From(CollectorSettings.Defaults);

    public static PcideviceOptions From(CollectorSettings settings) => new(settings.Get(NamesOption), settings.Get(IdsFileOption));
}

/// <summary>
/// node_exporter's pcidevice collector (collector/pcidevice_linux.go, 1.12; off by default): per device of
/// <c>&lt;sys&gt;/bus/pci/devices</c>, read as prometheus/procfs reads it (sysfs/pci_device.go), <c>node_pcidevice_info</c>
/// with its IDs and its parent bridge's address (<c>*</c> under a root bus), link speeds and widths (-1 when the device
/// has none), D3cold and SR-IOV attributes (0 when absent), one <c>node_pcidevice_power_state</c> series per power
/// state, and its NUMA node when known. With <see cref="PcideviceOptions.Names"/> the info series also carries the
/// names of pci.ids. An attribute that cannot be read counts as absent, where procfs fails the whole collector.
/// </summary>
internal sealed partial class PcideviceCollector(CollectorContext context, PcideviceOptions options) : INodeCollector
{
    private static readonly string[] PowerStates = ["D0", "D1", "D2", "D3hot", "D3cold", "unknown", "error"];

    // node_exporter's default places of the database; they are read as given, as there, and then (for an agent in a
    // container, whose own filesystem has none) under the host's root.
    private static readonly string[] DefaultIdsFiles = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"];

    private readonly ILogger _logger = context.Logger<PcideviceCollector>();
    private PciIds? _ids;

    public PcideviceCollector(CollectorContext context)
        : this(context, PcideviceOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } = new("pcidevice", false, [PcideviceOptions.NamesOption, PcideviceOptions.IdsFileOption],
        (context, settings) => new PcideviceCollector(context, PcideviceOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var devicesDir = context.Paths.SysFile("bus/pci/devices");
        if (!Directory.Exists(devicesDir))
        {
            return CollectResult.NoData;
        }

        var ids = options.Names ? _ids ??= LoadIds() : null;
        var families = new SortedFamilies();
        foreach (var entry in KernelFile.Entries(devicesDir))
        {
            var device = PciDeviceReader.Read(Path.Join(devicesDir, entry));
            AddDevice(families, device, ids);
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private static void AddDevice(SortedFamilies families, PciDeviceReading device, PciIds? ids)
    {
        var location = device.Location.Labels();
        var parent = device.Parent?.Labels() ?? ["*", "*", "*", "*"];
        var classId = "0x" + device.Class.ToString("x6", CultureInfo.InvariantCulture);
        var vendorId = "0x" + device.Vendor.ToString("x4", CultureInfo.InvariantCulture);
        var deviceId = "0x" + device.Device.ToString("x4", CultureInfo.InvariantCulture);
        var subsystemVendorId = "0x" + device.SubsystemVendor.ToString("x4", CultureInfo.InvariantCulture);
        var subsystemDeviceId = "0x" + device.SubsystemDevice.ToString("x4", CultureInfo.InvariantCulture);
        var revision = "0x" + device.Revision.ToString("x2", CultureInfo.InvariantCulture);

        // Label names in order, as SortedFamilies takes them.
        var info = new List<string>
        {
            "bus", location[1], "class_id", classId,
        };
        if (ids is not null)
        {
            info.AddRange(["class_name", ids.ClassName(classId)]);
        }

        info.AddRange(["device", location[2], "device_id", deviceId]);
        if (ids is not null)
        {
            info.AddRange(["device_name", ids.DeviceName(vendorId, deviceId)]);
        }

        info.AddRange([
            "function", location[3], "parent_bus", parent[1], "parent_device", parent[2], "parent_function", parent[3],
            "parent_segment", parent[0], "revision", revision, "segment", location[0], "subsystem_device_id", subsystemDeviceId,
        ]);
        if (ids is not null)
        {
            info.AddRange(["subsystem_device_name", ids.SubsystemName(vendorId, deviceId, subsystemVendorId, subsystemDeviceId)]);
        }

        info.AddRange(["subsystem_vendor_id", subsystemVendorId]);
        if (ids is not null)
        {
            info.AddRange(["subsystem_vendor_name", ids.VendorName(subsystemVendorId)]);
        }

        info.AddRange(["vendor_id", vendorId]);
        if (ids is not null)
        {
            info.AddRange(["vendor_name", ids.VendorName(vendorId)]);
        }

        families.Add("node_pcidevice_info", MetricType.Gauge, "Non-numeric data from /sys/bus/pci/devices/<location>, value is always 1.", 1, [.. info]);

        string[] labels = ["bus", location[1], "device", location[2], "function", location[3], "segment", location[0]];
        families.Add("node_pcidevice_max_link_transfers_per_second", MetricType.Gauge, "Value of maximum link's transfers per second (T/s)",
            device.MaxLinkSpeed is { } maxSpeed ? maxSpeed * 1e9 : -1, labels);
        families.Add("node_pcidevice_max_link_width", MetricType.Gauge, "Value of maximum link's width (number of lanes)", device.MaxLinkWidth ?? -1, labels);
        families.Add("node_pcidevice_current_link_transfers_per_second", MetricType.Gauge, "Value of current link's transfers per second (T/s)",
            device.CurrentLinkSpeed is { } speed ? speed * 1e9 : -1, labels);
        families.Add("node_pcidevice_current_link_width", MetricType.Gauge, "Value of current link's width (number of lanes)", device.CurrentLinkWidth ?? -1, labels);
        families.Add("node_pcidevice_d3cold_allowed", MetricType.Gauge, "Whether the PCIe device supports D3cold power state (0/1).",
            device.D3coldAllowed == true ? 1 : 0, labels);
        families.Add("node_pcidevice_sriov_drivers_autoprobe", MetricType.Gauge, "Whether SR-IOV drivers autoprobe is enabled for the device (0/1).",
            device.SriovDriversAutoprobe == true ? 1 : 0, labels);
        families.Add("node_pcidevice_sriov_numvfs", MetricType.Gauge, "Number of Virtual Functions (VFs) currently enabled for SR-IOV.", device.SriovNumvfs ?? 0, labels);
        families.Add("node_pcidevice_sriov_totalvfs", MetricType.Gauge, "Total number of Virtual Functions (VFs) supported by the device.", device.SriovTotalvfs ?? 0, labels);
        families.Add("node_pcidevice_sriov_vf_total_msix", MetricType.Gauge, "Total number of MSI-X vectors for Virtual Functions.", device.SriovVfTotalMsix ?? 0, labels);

        if (device.PowerState is { } state)
        {
            foreach (var candidate in PowerStates)
            {
                families.Add("node_pcidevice_power_state", MetricType.Gauge, "PCIe device power state, one of: D0, D1, D2, D3hot, D3cold, unknown or error.",
                    candidate == state ? 1 : 0, [.. labels, "state", candidate]);
            }
        }

        if (device.NumaNode is { } node and not -1)
        {
            families.Add("node_pcidevice_numa_node", MetricType.Gauge, "NUMA node number for the PCI device. -1 indicates unknown or not available.", node, labels);
        }
    }

    private PciIds LoadIds()
    {
        IEnumerable<string> candidates = options.IdsFile is { } configured
            ? [configured]
            : [.. DefaultIdsFiles, .. DefaultIdsFiles.Select(f => context.Paths.RootFile(f.TrimStart('/')))];
        foreach (var path in candidates)
        {
            if (KernelFile.ReadAll(path) is { } content)
            {
                var ids = PciIds.Parse(content);
                var (vendors, devices, subsystems, classes) = ids.Counts;
                Log.IdsLoaded(_logger, path, vendors, devices, subsystems, classes);
                return ids;
            }
        }

        Log.IdsMissing(_logger, string.Join(", ", candidates));
        return PciIds.Empty;
    }

    private static partial class Log
    {
        [LoggerMessage(1340, LogLevel.Debug, "pcidevice: loaded the PCI ID database {Path}: {Vendors} vendors, {Devices} devices, {Subsystems} subsystems, {Classes} classes", EventName = "PcideviceIdsLoaded")]
        public static partial void IdsLoaded(ILogger logger, string path, int vendors, int devices, int subsystems, int classes);

        [LoggerMessage(1341, LogLevel.Warning, "pcidevice: no PCI ID database at {Paths}; names are the IDs", EventName = "PcideviceIdsMissing")]
        public static partial void IdsMissing(ILogger logger, string paths);
    }
}
