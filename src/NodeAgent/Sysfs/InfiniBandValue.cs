using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// The value formats of <c>/sys/class/infiniband/&lt;device&gt;/ports/&lt;port&gt;/</c>
/// (Documentation/ABI/stable/sysfs-class-infiniband), parsed as prometheus/procfs does for node_exporter.
/// </summary>
internal static class InfiniBandValue
{
    /// <summary>What a counter file holds.</summary>
    internal enum CounterKind
    {
        Value,

        /// <summary><c>N/A (no PMA)</c>: the port has no performance management agent; procfs skips the counter.</summary>
        NotAvailable,
        Malformed,
    }

    /// <summary><c>state</c> and <c>phys_state</c>: <c>"4: ACTIVE"</c>, <c>"5: LinkUp"</c>.</summary>
    public static bool TryParseState(ReadOnlySpan<byte> content, out uint id, out string name)
    {
        id = 0;
        name = "";
        var colon = content.IndexOf((byte)':');
        if (colon < 0 || content[(colon + 1)..].Contains((byte)':'))
        {
            return false;
        }

        var number = content[..colon].Trim(" \t\n"u8);
        name = Encoding.UTF8.GetString(content[(colon + 1)..].Trim(" \t\n"u8));
        return Utf8Parser.TryParse(number, out id, out var consumed) && consumed == number.Length && !number.IsEmpty;
    }

    /// <summary><c>rate</c>: <c>"40 Gb/sec (4X QDR)"</c> in bytes per second. procfs parses the number as a 32-bit
    /// float and multiplies by 125000000 in 64 bits before truncating, which this repeats for identical values.</summary>
    public static bool TryParseRate(ReadOnlySpan<byte> content, out ulong bytesPerSecond)
    {
        bytesPerSecond = 0;
        var space = content.IndexOf((byte)' ');
        if (space < 0)
        {
            return false;
        }

        if (!float.TryParse(Encoding.ASCII.GetString(content[..space]), NumberStyles.Float, CultureInfo.InvariantCulture, out var gigabits))
        {
            return false;
        }

        bytesPerSecond = (ulong)((double)gigabits * 125000000);
        return true;
    }

    /// <summary>A counter file: an unsigned number as Go's <c>strconv.ParseUint(s, 0, 64)</c> reads it (procfs'
    /// ValueParser; sysfs prints decimal), or the "no PMA" marker.</summary>
    public static CounterKind ParseCounter(ReadOnlySpan<byte> content, out ulong value)
    {
        var text = SysfsValue.Attribute(content);
        value = 0;
        if (text.Length > 1 && text[0] == (byte)'0')
        {
            // A base prefix (0x, 0o, 0b or a bare leading 0 for octal), as base 0 accepts.
            if (SysfsValue.TryParseInt64(text, out var prefixed) && prefixed >= 0)
            {
                value = (ulong)prefixed;
                return CounterKind.Value;
            }
        }
        else if (SysfsValue.TryParseDecimalUInt64(text, out value))
        {
            return CounterKind.Value;
        }

        value = 0;
        return text.IndexOf("N/A (no PMA)"u8) >= 0 ? CounterKind.NotAvailable : CounterKind.Malformed;
    }
}
