using System.Text;

namespace NodeAgent.Procfs;

/// <summary>Per-CPU scheduler totals from <c>/proc/schedstat</c> (Documentation/scheduler/sched-stats.rst, fields 7–9
/// of a <c>cpuN</c> line): time spent running and waiting in nanoseconds, and timeslices run.</summary>
internal readonly record struct SchedStatCpu(string Cpu, ulong RunningNanoseconds, ulong WaitingNanoseconds, ulong Timeslices);

/// <summary>
/// <c>/proc/schedstat</c> as prometheus/procfs reads it: only lines of the form <c>cpuN</c> followed by at least nine
/// single-space-separated integers count; everything else (version, timestamp, domain lines) is skipped, and a CPU
/// line whose numbers do not fit 64 bits is skipped too, so the parse never fails.
/// </summary>
internal static class SchedStat
{
    public static IReadOnlyList<SchedStatCpu> Parse(ReadOnlySpan<byte> content)
    {
        var cpus = new List<SchedStatCpu>();
        Span<ulong> values = stackalloc ulong[9];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            if (!line.StartsWith("cpu"u8))
            {
                continue;
            }

            // cpu(\d+) then nine " (\d+)" groups.
            var numberEnd = 3;
            while (numberEnd < line.Length && char.IsAsciiDigit((char)line[numberEnd]))
            {
                numberEnd++;
            }

            if (numberEnd == 3)
            {
                continue;
            }

            var position = numberEnd;
            var matched = true;
            for (var i = 0; i < values.Length && matched; i++)
            {
                if (position >= line.Length || line[position] != ' ')
                {
                    matched = false;
                    break;
                }

                var start = ++position;
                while (position < line.Length && char.IsAsciiDigit((char)line[position]))
                {
                    position++;
                }

                matched = position > start && AsciiFields.TryParseUInt64(line[start..position], out values[i]);
            }

            if (matched)
            {
                cpus.Add(new SchedStatCpu(Encoding.ASCII.GetString(line[3..numberEnd]), values[6], values[7], values[8]));
            }
        }

        return cpus;
    }
}
