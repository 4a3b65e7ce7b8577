using System.Buffers.Text;

namespace NodeAgent.Procfs;

/// <summary>The <c>btime</c> line of <c>/proc/stat</c>: boot time in seconds since the epoch.</summary>
internal static class BootTime
{
    public static bool TryParse(ReadOnlySpan<byte> procStat, out ulong secondsSinceEpoch)
    {
        secondsSinceEpoch = 0;
        foreach (var range in procStat.Split((byte)'\n'))
        {
            var line = procStat[range];
            if (line.StartsWith("btime "u8))
            {
                var value = line["btime "u8.Length..].Trim((byte)' ');
                return Utf8Parser.TryParse(value, out secondsSinceEpoch, out var consumed) && consumed == value.Length;
            }
        }

        return false;
    }
}
