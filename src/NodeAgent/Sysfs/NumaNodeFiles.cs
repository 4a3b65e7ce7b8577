using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Sysfs;

/// <summary>
/// A NUMA node's <c>meminfo</c> and <c>numastat</c> under <c>/sys/devices/system/node/node&lt;N&gt;</c>
/// (drivers/base/node.c), read as node_exporter's meminfo_numa collector reads them.
/// </summary>
internal static class NumaNodeFiles
{
    /// <summary>
    /// <c>Node N Field: value [kB]</c> per line → (node, field, value): kB values in bytes, the field without its colon
    /// and with a parenthesised part made a suffix (<c>Active(anon)</c> → <c>Active_anon</c>). A line with too few
    /// fields, a value that is not a number or a unit other than kB fails the file.
    /// </summary>
    public static List<(string Node, string Field, double Value)> Meminfo(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, string, double)>();
        Span<Range> fields = stackalloc Range[6];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var count = AsciiFields.Split(line, fields);
            if (count == 0)
            {
                continue;
            }

            if (count < 4 || !AsciiFields.TryParseFloat(line[fields[3]], out var value)
                || (count == 5 && !line[fields[4]].SequenceEqual("kB"u8)) || count > 5)
            {
                throw new InvalidDataException($"invalid line '{Encoding.UTF8.GetString(line)}'");
            }

            rows.Add((Encoding.UTF8.GetString(line[fields[1]]), FieldName(line[fields[2]]), count == 5 ? value * 1024 : value));
        }

        return rows;
    }

    /// <summary><c>name value</c> per line (numa_hit, numa_miss, …); any other shape fails the file.</summary>
    public static List<(string Name, double Value)> Numastat(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, double)>();
        Span<Range> fields = stackalloc Range[3];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var count = AsciiFields.Split(line, fields);
            if (count == 0)
            {
                continue;
            }

            if (count != 2 || !AsciiFields.TryParseFloat(line[fields[1]], out var value))
            {
                throw new InvalidDataException($"invalid line '{Encoding.UTF8.GetString(line)}'");
            }

            rows.Add((Encoding.UTF8.GetString(line[fields[0]]), value));
        }

        return rows;
    }

    // "Active(anon):" → "Active_anon": colons trimmed from the end, then "(x)" → "_x" (node_exporter's regexp
    // `\((.*)\)` is greedy: from the first "(" to the last ")").
    private static string FieldName(ReadOnlySpan<byte> field)
    {
        var name = Encoding.UTF8.GetString(field).TrimEnd(':');
        var open = name.IndexOf('(', StringComparison.Ordinal);
        var close = name.LastIndexOf(')');
        return open >= 0 && close > open ? string.Concat(name.AsSpan(0, open), "_", name.AsSpan(open + 1, close - open - 1), name.AsSpan(close + 1)) : name;
    }
}
