using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// One line of <c>/proc/diskstats</c> (Documentation/admin-guide/iostats.rst): the device, then 11 counters
/// (kernels before 4.18), 15 (4.18+, discards) or 17 (5.5+, flushes). <see cref="Counters"/> holds them in kernel order,
/// so its length says which families the kernel provides.
/// </summary>
internal sealed record DiskstatsLine(uint Major, uint Minor, string Device, ulong[] Counters)
{
    public const int ReadsCompleted = 0;
    public const int ReadsMerged = 1;
    public const int SectorsRead = 2;
    public const int ReadTicks = 3;
    public const int WritesCompleted = 4;
    public const int WritesMerged = 5;
    public const int SectorsWritten = 6;
    public const int WriteTicks = 7;
    public const int IosInProgress = 8;
    public const int IoTicks = 9;
    public const int WeightedIoTicks = 10;
    public const int DiscardsCompleted = 11;
    public const int DiscardsMerged = 12;
    public const int SectorsDiscarded = 13;
    public const int DiscardTicks = 14;
    public const int FlushesCompleted = 15;
    public const int FlushTicks = 16;

    /// <summary>The most counters read per line; later fields, if a future kernel adds any, are ignored (as
    /// prometheus/procfs' fixed scan format does).</summary>
    public const int MaxCounters = 17;

    /// <summary>Lines with fewer than 11 counters (pre-2.6.25 partition lines) are skipped, as procfs skips lines
    /// that scan fewer than 14 fields. Returns false, with the offending line, if a field is not a number.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<DiskstatsLine> lines, out string badLine)
    {
        var result = new List<DiskstatsLine>();
        lines = result;
        badLine = "";
        Span<ulong> counters = stackalloc ulong[MaxCounters];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            uint major = 0, minor = 0;
            var device = ReadOnlySpan<byte>.Empty;
            var fields = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                var field = line[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (fields == 3 + MaxCounters)
                {
                    break;
                }

                var ok = fields switch
                {
                    0 => ParseWhole(field, out major),
                    1 => ParseWhole(field, out minor),
                    2 => true,
                    _ => ParseWhole(field, out counters[fields - 3]),
                };
                if (!ok)
                {
                    badLine = Encoding.UTF8.GetString(line);
                    return false;
                }

                if (fields == 2)
                {
                    device = field;
                }

                fields++;
            }

            if (fields < 14)
            {
                continue;
            }

            result.Add(new DiskstatsLine(major, minor, Encoding.UTF8.GetString(device), counters[..(fields - 3)].ToArray()));
        }

        return true;
    }

    private static bool ParseWhole(ReadOnlySpan<byte> field, out uint value) =>
        Utf8Parser.TryParse(field, out value, out var consumed) && consumed == field.Length;

    private static bool ParseWhole(ReadOnlySpan<byte> field, out ulong value) =>
        Utf8Parser.TryParse(field, out value, out var consumed) && consumed == field.Length;
}
