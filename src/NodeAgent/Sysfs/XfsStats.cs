using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// The counters of an XFS stats file (<c>/sys/fs/xfs/&lt;dev&gt;/stats/stats</c>, fs/xfs/xfs_stats.c) that
/// node_exporter exports, as named on the XFS wiki's Runtime_Stats page. Each line is a group name and its values;
/// <see cref="Values"/> maps a group to its counters.
/// </summary>
internal sealed class XfsStats
{
    // Groups procfs reads, with the number of values it insists on (vnodes: 7 on old kernels, 8 since "free").
    private static readonly Dictionary<string, (int Min, int Max)> KnownGroups = new(StringComparer.Ordinal)
    {
        ["extent_alloc"] = (4, 4),
        ["abt"] = (4, 4),
        ["blk_map"] = (7, 7),
        ["bmbt"] = (4, 4),
        ["dir"] = (4, 4),
        ["trans"] = (3, 3),
        ["ig"] = (7, 7),
        ["log"] = (5, 5),
        ["rw"] = (2, 2),
        ["attr"] = (4, 4),
        ["icluster"] = (3, 3),
        ["vnodes"] = (7, 8),
        ["buf"] = (9, 9),
        ["xpc"] = (3, 3),
    };

    private readonly Dictionary<string, ulong[]> _groups = new(StringComparer.Ordinal);

    /// <summary>The values of a group; a group the file does not have reads as zeros, as in procfs.</summary>
    public ulong Value(string group, int index) =>
        _groups.TryGetValue(group, out var values) && index < values.Length ? values[index] : 0;

    /// <summary>Like procfs: every value must be a 32-bit unsigned number except the 64-bit <c>xpc</c> byte counts,
    /// and the groups it knows must have their number of values; otherwise false with the reason.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out XfsStats stats, out string error)
    {
        stats = new XfsStats();
        error = "";
        var values = new List<ulong>(16);
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            values.Clear();
            var name = "";
            var first = true;
            var nameBytes = ReadOnlySpan<byte>.Empty;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                var field = line[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (first)
                {
                    nameBytes = field;
                    first = false;
                    continue;
                }

                if (!Utf8Parser.TryParse(field, out ulong value, out var consumed) || consumed != field.Length)
                {
                    error = $"not a number in \"{Encoding.UTF8.GetString(line)}\"";
                    return false;
                }

                values.Add(value);
            }

            if (values.Count == 0)
            {
                continue;
            }

            name = Encoding.UTF8.GetString(nameBytes);
            var wide = name == "xpc";
            foreach (var value in values)
            {
                if (!wide && value > uint.MaxValue)
                {
                    error = $"value out of 32-bit range in group {name}";
                    return false;
                }
            }

            if (KnownGroups.TryGetValue(name, out var expected))
            {
                if (values.Count < expected.Min || values.Count > expected.Max)
                {
                    error = $"group {name} has {values.Count} values";
                    return false;
                }

                stats._groups[name] = [.. values];
            }
        }

        return true;
    }
}
