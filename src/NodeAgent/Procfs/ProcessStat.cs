using System.Buffers.Text;

namespace NodeAgent.Procfs;

/// <summary>The fields of <c>/proc/[pid]/stat</c> (proc(5)) that the process metrics need; times in clock ticks.</summary>
internal readonly record struct ProcessStat(ulong UserTicks, ulong SystemTicks, ulong StartTicks, ulong VirtualBytes, long ResidentPages)
{
    /// <summary>USER_HZ: the unit of the tick fields, 100 on every Linux ABI (as prometheus/procfs assumes).</summary>
    public const int TicksPerSecond = 100;

    public static bool TryParse(ReadOnlySpan<byte> content, out ProcessStat stat)
    {
        stat = default;
        // comm (field 2) is in parentheses and may itself contain spaces and ')': the fields start after the last ')'.
        var close = content.LastIndexOf((byte)')');
        if (close < 0)
        {
            return false;
        }

        // After ')': field 3 (state) onwards, space-separated; field n is at index n - 3.
        Span<Range> fields = stackalloc Range[24];
        var rest = content[(close + 1)..].Trim((byte)' ').TrimEnd((byte)'\n');
        var count = 0;
        foreach (var field in rest.Split((byte)' '))
        {
            if (count == fields.Length)
            {
                break;
            }

            fields[count++] = field;
        }

        if (count < fields.Length)
        {
            return false;
        }

        if (!Utf8Parser.TryParse(rest[fields[14 - 3]], out ulong utime, out _)
            || !Utf8Parser.TryParse(rest[fields[15 - 3]], out ulong stime, out _)
            || !Utf8Parser.TryParse(rest[fields[22 - 3]], out ulong start, out _)
            || !Utf8Parser.TryParse(rest[fields[23 - 3]], out ulong vsize, out _)
            || !Utf8Parser.TryParse(rest[fields[24 - 3]], out long rss, out _))
        {
            return false;
        }

        stat = new ProcessStat(utime, stime, start, vsize, rss);
        return true;
    }
}
