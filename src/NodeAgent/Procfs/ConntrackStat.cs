using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>The per-CPU rows of <c>/proc/net/stat/nf_conntrack</c> summed, keeping the columns node_exporter
/// exports. Columns are positional (the header names changed in Linux 5.x: <c>searched</c> became <c>clashres</c>,
/// <c>delete_list</c> became <c>chainlength</c>), 16 or 17 hex numbers; <c>search_restart</c> is the 17th and absent
/// before Linux 2.6.35 (prometheus/procfs <c>parseConntrackStatEntry</c>).</summary>
internal readonly record struct ConntrackStat(
    ulong Found,
    ulong Invalid,
    ulong Ignore,
    ulong Insert,
    ulong InsertFailed,
    ulong Drop,
    ulong EarlyDrop,
    ulong SearchRestart)
{
    public static ConntrackStat Parse(ReadOnlySpan<byte> content)
    {
        var sum = default(ConntrackStat);
        var first = true;
        Span<ulong> values = stackalloc ulong[17];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (first)
            {
                first = false;
                continue;
            }

            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            var count = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                var field = line[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (count == values.Length || !Utf8Parser.TryParse(field, out ulong value, out var consumed, 'X') || consumed != field.Length)
                {
                    throw new InvalidDataException($"conntrack statistics row is not 16 or 17 hex numbers: '{Encoding.ASCII.GetString(line)}'");
                }

                values[count++] = value;
            }

            if (count is not (16 or 17))
            {
                throw new InvalidDataException($"conntrack statistics row has {count} fields, expected 16 or 17");
            }

            sum = new ConntrackStat(
                sum.Found + values[2],
                sum.Invalid + values[4],
                sum.Ignore + values[5],
                sum.Insert + values[8],
                sum.InsertFailed + values[9],
                sum.Drop + values[10],
                sum.EarlyDrop + values[11],
                sum.SearchRestart + (count == 17 ? values[16] : 0));
        }

        return sum;
    }
}
