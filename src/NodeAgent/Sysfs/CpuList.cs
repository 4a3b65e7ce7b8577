using NodeAgent.Procfs;

namespace NodeAgent.Sysfs;

/// <summary>
/// A kernel CPU list such as <c>/sys/devices/system/cpu/isolated</c> (Documentation/admin-guide/cputopology.rst):
/// comma-separated CPU numbers and <c>a-b</c> ranges, possibly empty. Parsed as prometheus/procfs'
/// <c>parseCPURange</c>: one trailing newline removed, empty items skipped, anything else malformed fails.
/// </summary>
internal static class CpuList
{
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<int> cpus)
    {
        var result = new List<int>();
        cpus = result;
        if (content.EndsWith((byte)'\n'))
        {
            content = content[..^1];
        }

        foreach (var range in content.Split((byte)','))
        {
            var item = content[range];
            if (item.IsEmpty)
            {
                continue;
            }

            var dash = item.IndexOf((byte)'-');
            if (dash < 0)
            {
                if (!TryCpu(item, out var cpu))
                {
                    return false;
                }

                result.Add(cpu);
                continue;
            }

            if (item[(dash + 1)..].Contains((byte)'-') || !TryCpu(item[..dash], out var low) || !TryCpu(item[(dash + 1)..], out var high))
            {
                return false;
            }

            for (var cpu = low; cpu <= high; cpu++)
            {
                result.Add(cpu);
            }
        }

        return true;
    }

    // procfs stores the numbers as uint16.
    private static bool TryCpu(ReadOnlySpan<byte> text, out int cpu)
    {
        cpu = 0;
        if (!AsciiFields.TryParseUInt64(text, out var value) || value > ushort.MaxValue)
        {
            return false;
        }

        cpu = (int)value;
        return true;
    }
}
