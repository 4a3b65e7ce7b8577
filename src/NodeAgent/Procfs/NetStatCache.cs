using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// One file of <c>/proc/net/stat/</c> (<c>arp_cache</c>, <c>ndisc_cache</c>, <c>rt_cache</c>, <c>nf_conntrack</c>, …,
/// the tables lnstat(8) prints) as prometheus/procfs <c>parseNetstat</c> reads it: a header line of column names, then
/// one line per CPU of hexadecimal counters. Each column's values are kept in row order, so the n-th value of a column
/// is CPU n's; a counter that is not hexadecimal, or a row longer than the header, is an error.
/// </summary>
internal sealed record NetStatCache(string[] Columns, ulong[][] Values)
{
    public static NetStatCache Parse(ReadOnlySpan<byte> content)
    {
        var rest = content;
        if (!AsciiFields.NextLine(ref rest, out var header))
        {
            return new NetStatCache([], []);
        }

        // procfs keys its counters by column name: a name repeated in the header adds to the first one's values.
        var names = new List<string>();
        var slotOf = new List<int>();
        var columns = header;
        while (AsciiFields.NextField(ref columns, out var name))
        {
            var text = Encoding.UTF8.GetString(name);
            var slot = names.IndexOf(text);
            if (slot < 0)
            {
                slot = names.Count;
                names.Add(text);
            }

            slotOf.Add(slot);
        }

        var values = new List<ulong>[names.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = [];
        }

        while (AsciiFields.NextLine(ref rest, out var line))
        {
            for (var column = 0; AsciiFields.NextField(ref line, out var field); column++)
            {
                if (column >= slotOf.Count)
                {
                    throw new InvalidDataException($"a row has more than the header's {slotOf.Count} columns");
                }

                if (!Utf8Parser.TryParse(field, out ulong value, out var used, 'x') || used != field.Length)
                {
                    throw new InvalidDataException($"'{Encoding.ASCII.GetString(field)}' in column {names[slotOf[column]]} is not hexadecimal");
                }

                values[slotOf[column]].Add(value);
            }
        }

        return new NetStatCache([.. names], [.. values.Select(v => v.ToArray())]);
    }
}
