using System.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// The PCI ID database (pci.ids, https://pci-ids.ucw.cz): vendors (<c>vvvv  name</c>) with their devices (one tab)
/// and subsystems (two tabs, <c>svvv sddd  name</c>), and classes (<c>C cc  name</c>) with subclasses (one tab) and
/// programming interfaces (two tabs); an ID is separated from its name by two spaces. Read, and names looked up, as
/// node_exporter 1.12's pcidevice collector does (<c>--collector.pcidevice.names</c>): an ID without a name gives the
/// ID back without its <c>0x</c>, a class without one "Unknown class (…)".
/// </summary>
internal sealed class PciIds
{
    private readonly Dictionary<string, string> _vendors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _devices = new(StringComparer.Ordinal); // "vvvv:dddd"
    private readonly Dictionary<string, string> _subsystems = new(StringComparer.Ordinal); // "vvvv:dddd:svvv:sddd"
    private readonly Dictionary<string, string> _classes = new(StringComparer.Ordinal); // "cc", "ccss", "ccsspp"

    /// <summary>An empty database: every lookup falls back to the ID.</summary>
    public static PciIds Empty { get; } = new();

    public static PciIds Parse(ReadOnlySpan<byte> content)
    {
        var ids = new PciIds();
        string vendor = "", device = "", baseClass = "", subclass = "";
        var inClasses = false;
        foreach (var line in Encoding.UTF8.GetString(content).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var depth = line.StartsWith("\t\t", StringComparison.Ordinal) ? 2 : line.StartsWith('\t') ? 1 : 0;
            var text = line[depth..];
            if (depth == 0 && text.StartsWith("C ", StringComparison.Ordinal))
            {
                if (Split(text[1..]) is var (id, name))
                {
                    ids._classes[id] = name;
                    (baseClass, inClasses) = (id, true);
                }
            }
            else if (depth == 0)
            {
                if (Split(text) is var (id, name))
                {
                    ids._vendors[id] = name;
                    (vendor, device, inClasses) = (id, "", false);
                }
            }
            else if (inClasses)
            {
                // A subclass extends the last class, a programming interface the last subclass.
                var parent = depth == 1 ? baseClass : subclass;
                if (Split(text) is var (id, name) && parent.Length > 0)
                {
                    ids._classes[parent + id] = name;
                    subclass = depth == 1 ? parent + id : subclass;
                }
            }
            else if (depth == 1)
            {
                if (Split(text) is var (id, name) && vendor.Length > 0)
                {
                    device = id;
                    ids._devices[$"{vendor}:{id}"] = name;
                }
            }
            else if (Split(text) is var (id, name) && vendor.Length > 0 && device.Length > 0
                && id.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is [var subVendor, var subDevice])
            {
                ids._subsystems[$"{vendor}:{device}:{subVendor}:{subDevice}"] = name;
            }
        }

        return ids;
    }

    /// <summary>Counts, for the agent's log.</summary>
    public (int Vendors, int Devices, int Subsystems, int Classes) Counts => (_vendors.Count, _devices.Count, _subsystems.Count, _classes.Count);

    public string VendorName(string vendorId) =>
        _vendors.TryGetValue(Bare(vendorId), out var name) ? name : Bare(vendorId);

    public string DeviceName(string vendorId, string deviceId) =>
        _devices.TryGetValue($"{Bare(vendorId)}:{Bare(deviceId)}", out var name) ? name : Bare(deviceId);

    public string SubsystemName(string vendorId, string deviceId, string subsystemVendorId, string subsystemDeviceId) =>
        _subsystems.TryGetValue($"{Bare(vendorId)}:{Bare(deviceId)}:{Bare(subsystemVendorId)}:{Bare(subsystemDeviceId)}", out var name)
            ? name : Bare(subsystemDeviceId);

    /// <summary>The most specific name of a class ID (<c>0xccsspp</c>): its programming interface's, its subclass's,
    /// or its base class's.</summary>
    public string ClassName(string classId)
    {
        var id = Bare(classId);
        foreach (var length in (int[])[6, 4, 2])
        {
            if (id.Length >= length && _classes.TryGetValue(id[..length], out var name))
            {
                return name;
            }
        }

        return $"Unknown class ({id})";
    }

    // "ID  name" → (ID, name), both trimmed; null without the two-space separator.
    private static (string Id, string Name)? Split(string text)
    {
        var separator = text.IndexOf("  ", StringComparison.Ordinal);
        return separator < 0 ? null : (text[..separator].Trim(), text[(separator + 2)..].Trim());
    }

    private static string Bare(string id) => (id.StartsWith("0x", StringComparison.Ordinal) ? id[2..] : id).ToLowerInvariant();
}
