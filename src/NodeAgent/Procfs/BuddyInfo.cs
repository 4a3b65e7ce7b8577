using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One line of <c>/proc/buddyinfo</c>: a NUMA node's zone and its free block counts, by order (block size
/// 2^order pages).</summary>
internal sealed record BuddyInfoZone(string Node, string Zone, double[] FreeBlocks);

/// <summary>
/// <c>/proc/buddyinfo</c> (proc(5)) as prometheus/procfs <c>parseBuddyInfo</c> reads it: each line
/// <c>Node &lt;n&gt;, zone &lt;name&gt; &lt;count&gt;…</c>, split on whitespace, the node and zone without their trailing
/// commas; a line of fewer than four fields, a count that is not a number, or a line whose number of orders differs
/// from the first line's is an error.
/// </summary>
internal static class BuddyInfo
{
    public static List<BuddyInfoZone> Parse(ReadOnlySpan<byte> content)
    {
        var zones = new List<BuddyInfoZone>();
        var orders = -1;
        Span<Range> fields = stackalloc Range[64];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var count = AsciiFields.Split(line, fields);
            if (count < 4)
            {
                throw new InvalidDataException($"buddyinfo line has {count} fields, expected at least 4: '{Encoding.ASCII.GetString(line)}'");
            }

            if (count > fields.Length)
            {
                throw new InvalidDataException($"buddyinfo line has {count} fields, more than {fields.Length}");
            }

            if (orders == -1)
            {
                orders = count - 4;
            }
            else if (orders != count - 4)
            {
                throw new InvalidDataException($"buddyinfo lines differ in their number of orders: {orders}, then {count - 4}");
            }

            var blocks = new double[count - 4];
            for (var i = 0; i < blocks.Length; i++)
            {
                var field = line[fields[i + 4]];
                if (!AsciiFields.TryParseFloat(field, out blocks[i]))
                {
                    throw new InvalidDataException($"buddyinfo count is not a number: '{Encoding.ASCII.GetString(field)}'");
                }
            }

            zones.Add(new BuddyInfoZone(Label(line[fields[1]]), Label(line[fields[3]]), blocks));
        }

        return zones;
    }

    private static string Label(ReadOnlySpan<byte> field) =>
        Encoding.UTF8.GetString(field.EndsWith((byte)',') ? field[..^1] : field);
}
