using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One <c>/proc/meminfo</c> line: the key without its colon, the number as printed and whether it carried the
/// <c>kB</c> unit (every line but the HugePages_* counts does).</summary>
internal readonly record struct MemInfoLine(string Key, ulong Value, bool Kilobytes)
{
    /// <summary>The value in base units, as prometheus/procfs' <c>*Bytes</c> fields: kB × 1024, unit-less as is.</summary>
    public ulong Bytes => Kilobytes ? Value * 1024 : Value;
}

/// <summary>
/// <c>/proc/meminfo</c> parsed as prometheus/procfs' <c>parseMemInfo</c>: every line is <c>Key: value [kB]</c>;
/// a line with another field count, a non-integer value or a unit other than <c>kB</c> fails the whole file.
/// </summary>
internal static class MemInfo
{
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<MemInfoLine> lines, out string badLine)
    {
        var result = new List<MemInfoLine>(64);
        lines = result;
        badLine = "";
        Span<Range> fields = stackalloc Range[4];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var count = AsciiFields.Split(line, fields);
            if (count == 0)
            {
                continue;
            }

            var key = line[fields[0]];
            if (count is < 2 or > 3
                || !AsciiFields.TryParseUInt64(line[fields[1]], out var value)
                || (count == 3 && !line[fields[2]].SequenceEqual("kB"u8)))
            {
                badLine = Encoding.UTF8.GetString(line);
                return false;
            }

            if (key.EndsWith((byte)':'))
            {
                key = key[..^1];
            }

            result.Add(new MemInfoLine(Encoding.ASCII.GetString(key), value, count == 3));
        }

        return true;
    }
}
