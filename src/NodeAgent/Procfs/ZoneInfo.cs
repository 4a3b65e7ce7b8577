using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One block of <c>/proc/zoneinfo</c>: a NUMA node's memory zone, the known fields it printed (null when it
/// did not), and its <c>protection</c> array (lowmem_reserve), if any.</summary>
internal sealed record ZoneInfoZone(string Node, string Zone, long?[] Fields, long[]? Protection);

/// <summary>
/// <c>/proc/zoneinfo</c> as prometheus/procfs <c>parseZoneinfo</c> reads it (zoneinfo.go): the file is cut into
/// blocks where a line starts with <c>Node</c>; in each block, a line matching <c>(\d+), zone\s+(\w+)</c> names the
/// node and zone, and every other line of at least two fields whose first field is one of <see cref="FieldNames"/>
/// sets that field (the last such line wins; a value that is not an integer unsets it, as procfs's value parser
/// does). So the <c>per-node stats</c> the kernel prints (Linux 4.8+) inside a node's first zone are that zone's, the
/// quirk node_exporter's output has. <c>protection: (a, b, …)</c> is the protection array. Values are decimal, as
/// the kernel prints them.
/// </summary>
internal static class ZoneInfo
{
    /// <summary>The fields procfs knows, in its struct's order.</summary>
    public static readonly string[] FieldNames =
    [
        "nr_free_pages", "min", "low", "high", "scanned", "spanned", "present", "managed", "nr_active_anon",
        "nr_inactive_anon", "nr_isolated_anon", "nr_anon_pages", "nr_anon_transparent_hugepages", "nr_active_file",
        "nr_inactive_file", "nr_isolated_file", "nr_file_pages", "nr_slab_reclaimable", "nr_slab_unreclaimable",
        "nr_mlock_stack", "nr_kernel_stack", "nr_mapped", "nr_dirty", "nr_writeback", "nr_unevictable", "nr_shmem",
        "nr_dirtied", "nr_written", "numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
    ];

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> FieldIndex =
        FieldNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public static List<ZoneInfoZone> Parse(ReadOnlySpan<byte> content)
    {
        var zones = new List<ZoneInfoZone>();
        var node = "";
        var zone = "";
        var fields = new long?[FieldNames.Length];
        long[]? protection = null;
        var first = true;
        Span<char> key = stackalloc char[64];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            if (!first && line.StartsWith("Node"u8))
            {
                zones.Add(new ZoneInfoZone(node, zone, fields, protection));
                (node, zone, fields, protection) = ("", "", new long?[FieldNames.Length], null);
            }

            first = false;
            if (TryNodeZone(line, out var nodeText, out var zoneText))
            {
                (node, zone) = (Encoding.ASCII.GetString(nodeText), Encoding.ASCII.GetString(zoneText));
                continue;
            }

            var values = line;
            if (!AsciiFields.NextField(ref values, out var name) || !AsciiFields.NextField(ref values, out var value))
            {
                continue;
            }

            if (name.SequenceEqual("protection:"u8))
            {
                protection = Protection(line) ?? protection;
            }
            else if (name.Length <= key.Length && Ascii.ToUtf16(name, key, out var length) == System.Buffers.OperationStatus.Done
                && FieldIndex.TryGetValue(key[..length], out var index))
            {
                fields[index] = Utf8Parser.TryParse(value, out long parsed, out var used) && used == value.Length ? parsed : null;
            }
        }

        zones.Add(new ZoneInfoZone(node, zone, fields, protection));
        return zones;
    }

    // The regular expression (\d+), zone\s+(\w+), leftmost match, without a regular expression on every line.
    private static bool TryNodeZone(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> node, out ReadOnlySpan<byte> zone)
    {
        for (var from = 0; line[from..].IndexOf(", zone"u8) is var found and >= 0; from += found + 1)
        {
            var at = from + found;
            var start = at;
            while (start > 0 && char.IsAsciiDigit((char)line[start - 1]))
            {
                start--;
            }

            var name = at + ", zone".Length;
            while (name < line.Length && line[name] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\f')
            {
                name++;
            }

            var end = name;
            while (end < line.Length && (char.IsAsciiLetterOrDigit((char)line[end]) || line[end] == '_'))
            {
                end++;
            }

            if (start < at && name > at + ", zone".Length && end > name)
            {
                node = line[start..at];
                zone = line[name..end];
                return true;
            }
        }

        node = default;
        zone = default;
        return false;
    }

    // "protection: (0, 2039, 31932)": what lies between the first two colons, without its parentheses, split at ", ";
    // null (keeping the previous array, as procfs does) when an element is not an integer.
    private static long[]? Protection(ReadOnlySpan<byte> line)
    {
        var afterColon = line[(line.IndexOf((byte)':') + 1)..];
        var text = afterColon.IndexOf((byte)':') is var next and >= 0 ? afterColon[..next] : afterColon;
        var list = Encoding.ASCII.GetString(text);
        var open = list.IndexOf('(', StringComparison.Ordinal);
        list = open >= 0 ? list.Remove(open, 1) : list;
        var close = list.IndexOf(')', StringComparison.Ordinal);
        list = (close >= 0 ? list.Remove(close, 1) : list).Trim();
        var parts = list.Split(", ");
        var values = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }

        return values;
    }
}
