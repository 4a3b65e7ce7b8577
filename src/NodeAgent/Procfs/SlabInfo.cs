using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One cache of <c>/proc/slabinfo</c>: the columns node_exporter reports.</summary>
internal readonly record struct Slab(string Name, long ActiveObjects, long Objects, long ObjectSize, long ObjectsPerSlab, long PagesPerSlab);

/// <summary>
/// <c>/proc/slabinfo</c> version 2.1 (slabinfo(5); stable since Linux 2.6.10) as prometheus/procfs
/// <c>parseSlabInfo21</c> reads it: the version and <c># name</c> header lines skipped, every other line exactly 16
/// whitespace-separated fields (<c>name active num objsize objperslab pagesperslab : tunables limit batch shared :
/// slabdata active_slabs num_slabs sharedavail</c>) whose numbers are all decimal integers, else an error.
/// </summary>
internal static class SlabInfo
{
    private static readonly int[] NumberColumns = [1, 2, 3, 4, 5, 8, 9, 10, 13, 14, 15];

    public static List<Slab> Parse(ReadOnlySpan<byte> content)
    {
        var slabs = new List<Slab>();
        Span<Range> fields = stackalloc Range[16];
        Span<long> numbers = stackalloc long[16];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            if (line.IndexOf("slabinfo -"u8) >= 0 || line.IndexOf("# name"u8) >= 0)
            {
                continue;
            }

            if (AsciiFields.Split(line, fields) != 16)
            {
                throw new InvalidDataException($"slabinfo line is not 16 fields: '{Encoding.ASCII.GetString(line)}'");
            }

            foreach (var column in NumberColumns)
            {
                var field = line[fields[column]];
                if (!Utf8Parser.TryParse(field, out numbers[column], out var used) || used != field.Length)
                {
                    throw new InvalidDataException($"slabinfo column {column + 1} is not an integer: '{Encoding.ASCII.GetString(line)}'");
                }
            }

            slabs.Add(new Slab(Encoding.UTF8.GetString(line[fields[0]]), numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]));
        }

        return slabs;
    }
}
