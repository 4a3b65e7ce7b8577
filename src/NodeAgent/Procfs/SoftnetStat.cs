using System.Globalization;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One row of <c>/proc/net/softnet_stat</c> (net/core/net-procfs.c, softnet_seq_show): hexadecimal 32-bit
/// counters of one CPU's softnet_data.</summary>
internal readonly record struct SoftnetStatRow(
    uint Processed, uint Dropped, uint TimeSqueezed, uint CpuCollision, uint ReceivedRps, uint FlowLimitCount, uint BacklogLength, uint Index);

/// <summary>
/// <c>/proc/net/softnet_stat</c> as prometheus/procfs reads it: at least 9 columns per row (2.6.23), received_rps from
/// 10 (2.6.39), flow_limit_count from 11 (4.18), backlog length and the owning CPU's index from 13 (5.10); before 5.10
/// the index is the row number. Fewer than 9 columns or a non-hex column fails the file.
/// </summary>
internal static class SoftnetStat
{
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<SoftnetStatRow> rows, out string badLine)
    {
        var result = new List<SoftnetStatRow>();
        rows = result;
        badLine = "";
        Span<Range> fields = stackalloc Range[13];
        Span<uint> v = stackalloc uint[13];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var width = AsciiFields.Split(line, fields);
            var used = Math.Min(width, 13);
            var ok = width >= 9;
            for (var i = 0; ok && i < used; i++)
            {
                ok = uint.TryParse(line[fields[i]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v[i]);
            }

            if (!ok)
            {
                badLine = Encoding.UTF8.GetString(line);
                return false;
            }

            result.Add(new SoftnetStatRow(
                v[0], v[1], v[2], v[8],
                width >= 10 ? v[9] : 0,
                width >= 11 ? v[10] : 0,
                width >= 13 ? v[11] : 0,
                width >= 13 ? v[12] : (uint)result.Count));
        }

        return true;
    }
}
