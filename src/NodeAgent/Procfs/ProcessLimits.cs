using System.Buffers.Text;

namespace NodeAgent.Procfs;

/// <summary>Soft limits from <c>/proc/[pid]/limits</c>; "unlimited" is <see cref="ulong.MaxValue"/>, as
/// prometheus/procfs reports it.</summary>
internal readonly record struct ProcessLimits(ulong OpenFiles, ulong AddressSpaceBytes)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out ProcessLimits limits)
    {
        limits = default;
        ulong? openFiles = null, addressSpace = null;
        foreach (var line in content.Split((byte)'\n'))
        {
            var text = content[line];
            // Columns are fixed-width: the name (up to 26 chars), then soft limit, hard limit, units.
            if (text.StartsWith("Max open files"u8))
            {
                openFiles = SoftLimit(text["Max open files"u8.Length..]);
            }
            else if (text.StartsWith("Max address space"u8))
            {
                addressSpace = SoftLimit(text["Max address space"u8.Length..]);
            }
        }

        if (openFiles is null || addressSpace is null)
        {
            return false;
        }

        limits = new ProcessLimits(openFiles.Value, addressSpace.Value);
        return true;
    }

    private static ulong? SoftLimit(ReadOnlySpan<byte> columns)
    {
        var value = columns.TrimStart((byte)' ');
        var end = value.IndexOf((byte)' ');
        value = end < 0 ? value : value[..end];
        if (value.SequenceEqual("unlimited"u8))
        {
            return ulong.MaxValue;
        }

        return Utf8Parser.TryParse(value, out ulong number, out var consumed) && consumed == value.Length ? number : null;
    }
}
