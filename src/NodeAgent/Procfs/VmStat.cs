using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One <c>/proc/vmstat</c> line: a field name and its value.</summary>
internal readonly record struct VmStatLine(string Name, double Value);

/// <summary>
/// <c>/proc/vmstat</c> as node_exporter's vmstat collector reads it: <c>name value</c> per line, the value parsed as a
/// float before any field filter applies, so one malformed line fails the whole file.
/// </summary>
internal static class VmStat
{
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<VmStatLine> lines, out string badLine)
    {
        var result = new List<VmStatLine>(200);
        lines = result;
        badLine = "";
        Span<Range> fields = stackalloc Range[2];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var count = AsciiFields.Split(line, fields);
            if (count == 0)
            {
                continue;
            }

            if (count < 2 || !AsciiFields.TryParseFloat(line[fields[1]], out var value))
            {
                badLine = Encoding.UTF8.GetString(line);
                return false;
            }

            result.Add(new VmStatLine(Encoding.ASCII.GetString(line[fields[0]]), value));
        }

        return true;
    }
}
