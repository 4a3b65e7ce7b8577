using System.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// One-value sysfs attributes as prometheus/procfs reads them (<c>util.SysReadFile</c>: a single read of at most
/// 128 bytes, surrounding whitespace trimmed) and the integer forms its parsers accept.
/// </summary>
internal static class SysfsValue
{
    /// <summary>procfs reads sysfs attributes with one 128-byte read: longer values are cut there.</summary>
    public const int MaxAttributeBytes = 128;

    /// <summary>The attribute's text: the first 128 bytes with ASCII whitespace trimmed (Go's strings.TrimSpace).</summary>
    public static ReadOnlySpan<byte> Attribute(ReadOnlySpan<byte> raw) =>
        raw[..Math.Min(raw.Length, MaxAttributeBytes)].Trim(" \t\n\v\f\r"u8);

    public static string AttributeText(ReadOnlySpan<byte> raw) => Encoding.UTF8.GetString(Attribute(raw));

    /// <summary>
    /// Go's <c>strconv.ParseInt(s, 0, 64)</c>, which procfs' ValueParser uses for power_supply and watchdog
    /// attributes: an optional sign, then a base prefix (<c>0x</c> hex, <c>0o</c> or a bare leading <c>0</c> octal,
    /// <c>0b</c> binary) or decimal digits. No surrounding whitespace.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var negative = false;
        if (text.Length > 0 && (text[0] == '+' || text[0] == '-'))
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (!TryParsePrefixed(text, out var magnitude))
        {
            return false;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = unchecked(-(long)magnitude);
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        return true;
    }

    /// <summary>Go's <c>strconv.ParseUint(s, 0, 64)</c> (procfs' ValueParser.PUInt64): no sign, base prefix allowed;
    /// fc_host statistics are written in hex ("0x1b").</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value) => TryParsePrefixed(text, out value);

    /// <summary>Go's <c>strconv.ParseInt(s, 10, 64)</c>: optional sign, decimal digits only.</summary>
    public static bool TryParseDecimalInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var negative = false;
        if (text.Length > 0 && (text[0] == '+' || text[0] == '-'))
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (!TryParseMagnitude(text, 10, out var magnitude) || magnitude > (negative ? (ulong)long.MaxValue + 1 : long.MaxValue))
        {
            return false;
        }

        value = negative ? unchecked(-(long)magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>Go's <c>strconv.ParseUint(s, 10, 64)</c>: decimal digits only, no sign.</summary>
    public static bool TryParseDecimalUInt64(ReadOnlySpan<byte> text, out ulong value) => TryParseMagnitude(text, 10, out value);

    private static bool TryParsePrefixed(ReadOnlySpan<byte> text, out ulong value)
    {
        if (text.Length < 2 || text[0] != '0')
        {
            return TryParseMagnitude(text, 10, out value);
        }

        return (text[1] | 0x20) switch
        {
            'x' => TryParseMagnitude(text[2..], 16, out value),
            'o' => TryParseMagnitude(text[2..], 8, out value),
            'b' => TryParseMagnitude(text[2..], 2, out value),
            _ => TryParseMagnitude(text[1..], 8, out value),
        };
    }

    private static bool TryParseMagnitude(ReadOnlySpan<byte> digits, uint radix, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            uint digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => (uint)(c - '0'),
                >= (byte)'a' and <= (byte)'z' => (uint)(c - 'a' + 10),
                >= (byte)'A' and <= (byte)'Z' => (uint)(c - 'A' + 10),
                _ => uint.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }

            if (value > (ulong.MaxValue - digit) / radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        return true;
    }
}
