using NodeAgent.Sysfs;

namespace NodeAgent.Metrics.Collectors;

/// <summary>What the pcidevice collector reports of one device; null where the device has no such attribute.</summary>
internal sealed record PciDeviceReading(
    PciLocation Location,
    PciLocation? Parent,
    uint Class,
    uint Vendor,
    uint Device,
    uint SubsystemVendor,
    uint SubsystemDevice,
    uint Revision)
{
    public double? MaxLinkSpeed { get; set; }

    public double? MaxLinkWidth { get; set; }

    public double? CurrentLinkSpeed { get; set; }

    public double? CurrentLinkWidth { get; set; }

    public long? NumaNode { get; set; }

    public bool? SriovDriversAutoprobe { get; set; }

    public ulong? SriovNumvfs { get; set; }

    public ulong? SriovTotalvfs { get; set; }

    public ulong? SriovVfTotalMsix { get; set; }

    public bool? D3coldAllowed { get; set; }

    public string? PowerState { get; set; }
}

/// <summary>
/// Reads one <c>/sys/bus/pci/devices/&lt;location&gt;</c> entry as prometheus/procfs does (sysfs/pci_device.go): the
/// entry is a link into <c>/sys/devices</c> whose last component is the device's address and whose parent
/// component is its upstream bridge's (or <c>pciSSSS:BB</c>, a root bus: no parent). The six ID attributes are
/// required; the others are optional, and "Unknown" or empty link values count as absent. A value of the wrong
/// form is an error naming the file.
/// </summary>
internal static class PciDeviceReader
{
    public static PciDeviceReading Read(string path)
    {
        var target = new FileInfo(path).LinkTarget ?? throw new InvalidDataException($"{path}: not a symbolic link");
        var trimmed = target.TrimEnd('/');
        var parentName = Path.GetFileName(Path.GetDirectoryName(trimmed) ?? "");
        if (!PciLocation.TryParse(Path.GetFileName(trimmed), out var location))
        {
            throw new InvalidDataException($"{path}: invalid device location in link {target}");
        }

        PciLocation? parent = null;
        if (!parentName.StartsWith("pci", StringComparison.Ordinal))
        {
            parent = PciLocation.TryParse(parentName, out var parsed)
                ? parsed
                : throw new InvalidDataException($"{path}: invalid parent device location in link {target}");
        }

        var device = new PciDeviceReading(location, parent, Id(path, "class"), Id(path, "vendor"), Id(path, "device"),
            Id(path, "subsystem_vendor"), Id(path, "subsystem_device"), Id(path, "revision"))
        {
            MaxLinkSpeed = Optional(path, "max_link_speed", Speed),
            CurrentLinkSpeed = Optional(path, "current_link_speed", Speed),
            MaxLinkWidth = Optional(path, "max_link_width", Integer),
            CurrentLinkWidth = Optional(path, "current_link_width", Integer),
            NumaNode = Optional(path, "numa_node", text => (long?)Integer(text)),
            SriovDriversAutoprobe = Optional(path, "sriov_drivers_autoprobe", text => (bool?)(Integer(text) != 0)),
            SriovNumvfs = Optional(path, "sriov_numvfs", Unsigned),
            SriovTotalvfs = Optional(path, "sriov_totalvfs", Unsigned),
            SriovVfTotalMsix = Optional(path, "sriov_vf_total_msix", Unsigned),
            D3coldAllowed = Optional(path, "d3cold_allowed", text => (bool?)(Integer(text) != 0)),
            PowerState = Optional(path, "power_state", text => text),
        };
        return device;
    }

    private static uint Id(string path, string file)
    {
        var text = Text(path, file) ?? throw new InvalidDataException($"{Path.Join(path, file)}: unreadable");
        return PciDeviceValues.TryParseId(text, out var value) ? value : throw new InvalidDataException($"{Path.Join(path, file)}: invalid value \"{text}\"");
    }

    // An optional attribute: null when absent, empty or "Unknown…" (the link attributes of a device without a link).
    private static T? Optional<T>(string path, string file, Func<string, T?> parse)
    {
        var text = Text(path, file);
        if (string.IsNullOrEmpty(text) || text.StartsWith("Unknown", StringComparison.Ordinal))
        {
            return default;
        }

        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{Path.Join(path, file)}: invalid value \"{text}\"");
        }
    }

    private static double? Speed(string text) =>
        PciDeviceValues.TryParseLinkSpeed(text, out var speed) ? speed : throw new FormatException();

    private static double? Integer(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : throw new FormatException();

    private static ulong? Unsigned(string text) =>
        ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : throw new FormatException();

    private static string? Text(string path, string file) =>
        KernelFile.ReadAttribute(Path.Join(path, file)) is { } raw ? SysfsValue.AttributeText(raw) : null;
}
