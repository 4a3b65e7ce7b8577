using System.Globalization;

namespace NodeAgent.Sysfs;

/// <summary>A PCI address <c>segment:bus:device.function</c> (hexadecimal), as sysfs names a device.</summary>
internal readonly record struct PciLocation(int Segment, int Bus, int Device, int Function)
{
    /// <summary>The <c>segment</c>, <c>bus</c>, <c>device</c>, <c>function</c> label values as procfs formats them.</summary>
    public string[] Labels() =>
    [
        Segment.ToString("x4", CultureInfo.InvariantCulture), Bus.ToString("x2", CultureInfo.InvariantCulture),
        Device.ToString("x2", CultureInfo.InvariantCulture), Function.ToString("x", CultureInfo.InvariantCulture),
    ];

    /// <summary>prometheus/procfs' parsePciDeviceLocation: three colon-separated parts, the last split on a dot.</summary>
    public static bool TryParse(string text, out PciLocation location)
    {
        location = default;
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[2].Split('.') is not [var device, var function])
        {
            return false;
        }

        if (!TryParseHex(parts[0], out var segment) || !TryParseHex(parts[1], out var bus)
            || !TryParseHex(device, out var dev) || !TryParseHex(function, out var fn))
        {
            return false;
        }

        location = new PciLocation(segment, bus, dev, fn);
        return true;
    }

    private static bool TryParseHex(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
}

/// <summary>Parsers for the attributes of <c>/sys/bus/pci/devices/&lt;location&gt;</c>, as prometheus/procfs reads them
/// (sysfs/pci_device.go).</summary>
internal static class PciDeviceValues
{
    /// <summary>A link speed: <c>8.0 GT/s PCIe</c> (Linux 4.17+; older kernels write <c>8 GT/s</c>, also taken) in GT/s.
    /// procfs refuses the older form; "Unknown" and the empty value are no speed, told apart by the caller.</summary>
    public static bool TryParseLinkSpeed(string text, out double gigaTransfers)
    {
        gigaTransfers = 0;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && text[(space + 1)..] is "GT/s PCIe" or "GT/s"
            && double.TryParse(text[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out gigaTransfers);
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 32)</c> for the ID attributes (<c>0x8086</c>): hex with <c>0x</c>, else
    /// octal with a leading 0, else decimal.</summary>
    public static bool TryParseId(string text, out uint value)
    {
        value = 0;
        if (!SysfsValue.TryParseInt64(System.Text.Encoding.ASCII.GetBytes(text), out var parsed) || parsed is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        value = unchecked((uint)parsed);
        return true;
    }
}
