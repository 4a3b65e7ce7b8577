using System.Text;

namespace NodeAgent.Procfs;

/// <summary>Counts the entries of <c>/proc/net/arp</c> per device. The kernel prints a 9-word header and 6 columns
/// per entry (net/ipv4/arp.c <c>arp_seq_show</c>); the device is the sixth. The hardware address is not parsed: the
/// kernel truncates long (InfiniBand) addresses there, which is why node_exporter moved to netlink.</summary>
internal static class ArpTable
{
    public static IReadOnlyDictionary<string, int> CountByDevice(ReadOnlySpan<byte> content)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Span<Range> columns = stackalloc Range[10];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var width = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                if (line[fieldRange].IsEmpty)
                {
                    continue;
                }

                if (width < columns.Length)
                {
                    columns[width] = fieldRange;
                }

                width++;
            }

            if (width is 0 or 9)
            {
                continue;
            }

            if (width != 6)
            {
                throw new InvalidDataException($"ARP line has {width} columns, expected 6: '{Encoding.ASCII.GetString(line)}'");
            }

            var device = Encoding.UTF8.GetString(line[columns[5]]);
            counts[device] = counts.GetValueOrDefault(device) + 1;
        }

        return counts;
    }
}
