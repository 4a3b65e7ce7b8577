using System.Globalization;
using System.Text.RegularExpressions;

namespace NodeAgent.Sysfs;

/// <summary>
/// A powercap zone's <c>name</c> split as prometheus/procfs' GetRaplZones splits it: "package-1" is (package, 1);
/// a name without a numeric "-N" suffix ("core", "dram", "psys") gets the count of earlier zones with that name.
/// Kernel doc: Documentation/power/powercap/powercap.rst.
/// </summary>
internal readonly partial record struct RaplZoneName(string Name, int Index)
{
    /// <summary>Names zones in directory order; <paramref name="usages"/> counts earlier zones by name.</summary>
    public static RaplZoneName FromName(string name, Dictionary<string, int> usages)
    {
        var parts = name.Split('-');
        var zone = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index)
            ? new RaplZoneName(parts[0], index)
            : new RaplZoneName(name, usages.GetValueOrDefault(name));
        usages[zone.Name] = zone.Index + 1;
        return zone;
    }

    /// <summary>node_exporter's SanitizeMetricName: every run of characters outside [0-9A-Za-z_], with the
    /// underscores around it, becomes one '_'. Runs once per zone and scrape.</summary>
    public static string Sanitize(string name) => InvalidRun().Replace(name, "_");

    [GeneratedRegex("_*[^0-9A-Za-z_]+_*", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidRun();
}
