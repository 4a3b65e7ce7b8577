using System.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// The device properties of a udev database file (<c>/run/udev/data/b&lt;major&gt;:&lt;minor&gt;</c>): the
/// <c>E:KEY=VALUE</c> lines (udevadm(8) "E: device property"). Other record types (S: symlinks, L: priority, G: tags)
/// are skipped, as node_exporter does; a later duplicate key wins.
/// </summary>
internal static class UdevProperties
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> content)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (!line.StartsWith("E:"u8))
            {
                continue;
            }

            line = line[2..];
            var equals = line.IndexOf((byte)'=');
            if (equals < 0)
            {
                continue;
            }

            properties[Encoding.UTF8.GetString(line[..equals])] = Encoding.UTF8.GetString(line[(equals + 1)..]);
        }

        return properties;
    }
}
