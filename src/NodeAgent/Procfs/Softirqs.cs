using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// <c>/proc/softirqs</c> as prometheus/procfs <c>parseSoftirqs</c> reads it: a header line of CPU names (skipped),
/// then one line per softirq vector, <c>NAME:</c> followed by a decimal count per CPU. Only the ten vectors procfs
/// knows are kept; a line with no count is skipped, a count that is not a decimal number is an error.
/// </summary>
internal static class Softirqs
{
    /// <summary>The vectors procfs knows, in string order (the order of client_golang's samples); the lines are looked
    /// up by these names followed by a colon.</summary>
    public static readonly string[] Vectors = ["BLOCK", "HI", "HRTIMER", "IRQ_POLL", "NET_RX", "NET_TX", "RCU", "SCHED", "TASKLET", "TIMER"];

    private static readonly byte[][] Keys = [.. Vectors.Select(v => Encoding.ASCII.GetBytes(v + ":"))];

    /// <summary>Each vector's per-CPU counts, indexed as <see cref="Vectors"/>; null for a vector the file lacks.</summary>
    public static ulong[]?[] Parse(ReadOnlySpan<byte> content)
    {
        var rest = content;
        if (!AsciiFields.NextLine(ref rest, out _))
        {
            throw new InvalidDataException("softirqs is empty");
        }

        var counts = new ulong[]?[Vectors.Length];
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var values = line;
            if (!AsciiFields.NextField(ref values, out var name) || Vector(name) is not (>= 0 and var vector))
            {
                continue;
            }

            var perCpu = new ulong[AsciiFields.Split(values, [])];
            for (var cpu = 0; AsciiFields.NextField(ref values, out var count); cpu++)
            {
                if (!AsciiFields.TryParseUInt64(count, out perCpu[cpu]))
                {
                    throw new InvalidDataException($"softirqs {Vectors[vector]} count of CPU {cpu} is not a number: '{Encoding.ASCII.GetString(count)}'");
                }
            }

            // procfs skips a vector line without counts (it needs at least one CPU).
            if (perCpu.Length > 0)
            {
                counts[vector] = perCpu;
            }
        }

        return counts;
    }

    private static int Vector(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Keys.Length; i++)
        {
            if (name.SequenceEqual(Keys[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
